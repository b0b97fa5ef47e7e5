package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/store/storetest/demodb"
)

func TestAttachmentUploadAndDownload(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "带附件的申报", 50000))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	upload := func(tok, name string, data []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/applications/%d/attachments/upload", f.e.srv.URL, id), &buf)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("项目方案"), 200)...)
	st, body := upload(tok, "项目方案.pdf", pdf)
	sum := sha256.Sum256(pdf)
	if st != 201 || !strings.Contains(body, hex.EncodeToString(sum[:])) {
		t.Fatalf("upload: %d %s", st, body)
	}
	if st, body := upload(tok, "virus.pdf", []byte("MZ\x90\x00 not a pdf")); st != 422 || !strings.Contains(body, "file") {
		t.Fatalf("a program named .pdf: %d %s", st, body)
	}
	// another provider cannot attach to it, and cannot download it
	other := f.e.token("gt-provider2")
	if st, _ := upload(other, "x.pdf", pdf); st != 404 {
		t.Fatalf("other provider uploads: %d", st)
	}
	app := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil)
	atts := app.Body["attachments"].([]any)
	attID := int64(atts[0].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("/api/v1/applications/%d/attachments/%d", id, attID)
	if r := f.e.call(other, "GET", path, nil); r.Status != 404 {
		t.Fatalf("other provider downloads: %d", r.Status)
	}
	got := f.e.call(tok, "GET", path, nil)
	if got.Status != 200 || !bytes.Equal(got.Raw, pdf) || got.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %s", got.Status, got.Header.Get("Content-Type"))
	}
}
