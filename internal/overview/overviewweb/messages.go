package overviewweb

import (
	"embed"

	"gongzhi/internal/web"
)

// messageFiles are the dashboards' and the public disclosure section's messages, one file per
// language (messages/zh-CN.json, messages/en.json); the README's "Messages" says how to add one.
//
//go:embed messages
var messageFiles embed.FS

func init() {
	web.AddMessageFiles("internal/overview/overviewweb", messageFiles)
	web.AddAPIDocs(dashboardAPIDocs())
}
