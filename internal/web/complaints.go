package web

func (s *Server) complaintRoutes() {}

func complaintAPIDocs() map[string]apiDoc { return nil }

var complaintMessages = map[string][2]string{}
