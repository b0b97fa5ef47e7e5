package purchaseweb

import (
	"embed"

	"gongzhi/internal/web"
)

// messageFiles are the purchase pages' messages, one file per language (messages/zh-CN.json,
// messages/en.json); the README's "Messages" says how to add one.
//
//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/purchase/purchaseweb", messageFiles) }
