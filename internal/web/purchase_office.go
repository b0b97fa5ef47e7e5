// Buying social services, the office's side: needs, catalog, budgets, calls, review, awards,
// notice, contracts, payments and reports (issue 3). Routes registered by purchaseOfficeRoutes.
package web

func (s *Server) purchaseOfficeRoutes() {}

// officeAPIDocs documents the API routes of this file for the OpenAPI document.
func officeAPIDocs() map[string]apiDoc { return nil }

// officeMessages are this file's message keys, merged into the catalogue.
var officeMessages = map[string][2]string{}
