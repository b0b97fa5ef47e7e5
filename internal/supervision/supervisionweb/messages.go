package supervisionweb

import (
	"embed"

	"gongzhi/internal/web"
)

// messageFiles are the supervision pages' messages, one file per language (messages/zh-CN.json,
// messages/en.json); the README's "Messages" says how to add one.
//
//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/supervision/supervisionweb", messageFiles) }
