package web

func (s *Server) ledgerRoutes() {}

func ledgerAPIDocs() map[string]apiDoc { return nil }

var ledgerMessages = map[string][2]string{}
