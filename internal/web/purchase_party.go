// Buying social services, the parties' side: providers' applications, experts' reviews and the
// public pages (open calls, notices, objections, the public needs form) (issue 3).
package web

func (s *Server) purchasePartyRoutes() {}

// partyAPIDocs documents the API routes of this file for the OpenAPI document.
func partyAPIDocs() map[string]apiDoc { return nil }

// partyMessages are this file's message keys, merged into the catalogue.
var partyMessages = map[string][2]string{}
