package web

func (s *Server) dashboardRoutes() {}

func dashboardAPIDocs() map[string]apiDoc { return nil }

var dashboardMessages = map[string][2]string{}
