package evaluationweb

import (
	"embed"

	"gongzhi/internal/web"
)

// messageFiles are the evaluation pages' messages, one file per language (messages/zh-CN.json,
// messages/en.json); the README's "Messages" says how to add one.
//
//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/evaluation/evaluationweb", messageFiles) }
