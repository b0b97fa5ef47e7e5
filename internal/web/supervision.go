package web

func (s *Server) supervisionRoutes() {}

func supervisionAPIDocs() map[string]apiDoc { return nil }

var supervisionMessages = map[string][2]string{}
