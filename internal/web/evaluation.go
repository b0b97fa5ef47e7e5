package web

func (s *Server) evaluationRoutes() {}

func evaluationAPIDocs() map[string]apiDoc { return nil }

var evaluationMessages = map[string][2]string{}
