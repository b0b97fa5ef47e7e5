package vouchersweb

import (
	"embed"

	"gongzhi/internal/web"
)

// messageFiles are the vouchers pages' messages, one file per language.
//
//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/vouchers/vouchersweb", messageFiles) }
