package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportContracts: `gongzhi import contracts` brings an office's past contracts from a CSV
// file with the template's headers, every row or none, and names a bad row by its line.
func TestImportContracts(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	data := filepath.Join(dir, "data")
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if out, err := runCmd(t, "migrate", "--db", db, "--data-dir", data); err != nil {
		t.Fatalf("migrate: %q %v", out, err)
	}
	places := file("places.csv", "code,name,parent_code\n32,江苏省,\n3201,南京市,32\n320116000000,六合区,320100000000\n320116004,葛塘街道,320116\n320116004001,中山社区居委会,320116004\n")
	if out, err := runCmd(t, "import", "divisions", "--db", db, "--data-dir", data, places); err != nil {
		t.Fatalf("divisions: %q %v", out, err)
	}
	orgs := file("orgs.csv", "组织名称,统一社会信用代码,组织类型,登记状态,本土/外来,所属街道/社区（代码或名称）\n南京市六合区同心社会工作服务中心,52320116MJ7328235A,专业社工机构,已登记,本土,320116004000\n")
	if out, err := runCmd(t, "import", "orgs", "--db", db, "--data-dir", data, orgs); err != nil {
		t.Fatalf("orgs: %q %v", out, err)
	}
	head := "年度,服务类别,承接方统一社会信用代码,项目名称,合同金额（元）,服务社区,状态\n"
	good := file("past.csv", head+
		"2017,社区老人居家养老服务,52320116MJ7328235A,2017年居家养老服务,\"200,000.00\",中山社区,已完成\n"+
		"2018,community_social_work,52320116MJ7328235A,2018年社区社会工作服务,15万,,已终止\n")
	bad := file("bad.csv", head+
		"2017,社区老人居家养老服务,52320116MJ7328235A,另一个项目,100000,中山社区,已完成\n"+
		"2017,社区老人居家养老服务,52320116MJ7328235A,第三个项目,-5,中山社区,已完成\n")

	// without a place for the rows, the command line's system account names none
	if out, err := runCmd(t, "import", "contracts", "--db", db, "--data-dir", data, good); err == nil || !strings.Contains(out, "row 2") {
		t.Fatalf("import without --place: %q %v", out, err)
	}
	out, err := runCmd(t, "import", "contracts", "--db", db, "--data-dir", data, "--place", "320116004000", bad)
	if err == nil || !strings.Contains(out, "row 3, 合同金额（元）") || strings.Contains(out, "row 2") {
		t.Fatalf("bad file: %q %v", out, err)
	}
	if out, err := runCmd(t, "import", "contracts", "--db", db, "--data-dir", data, "--place", "320116004000", good); err != nil || !strings.Contains(out, "imported 2 past contracts") {
		t.Fatalf("import: %q %v", out, err)
	}
	// the good file is not taken twice
	if out, err := runCmd(t, "import", "contracts", "--db", db, "--data-dir", data, "--place", "320116004000", good); err == nil || !strings.Contains(out, "已导入过") {
		t.Fatalf("second import: %q %v", out, err)
	}
	// the refused file wrote nothing: its good row is still new
	first := file("first.csv", head+"2017,社区老人居家养老服务,52320116MJ7328235A,另一个项目,100000,中山社区,已完成\n")
	if out, err := runCmd(t, "import", "contracts", "--db", db, "--data-dir", data, "--place", "320116004000", first); err != nil || !strings.Contains(out, "imported 1 past contracts") {
		t.Fatalf("the refused file's good row: %q %v", out, err)
	}
}
