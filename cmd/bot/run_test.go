package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for run.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// runCmd runs the program with args and returns its output.
func runCmd(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env(vars), &out, &errOut)
	return out.String(), errOut.String(), err
}

// seedFolder makes a folder holding the repository's seed document and a file
// that is not a seed document.
func seedFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	seed, err := os.ReadFile(filepath.Join("..", "..", "seeds", "000_233c0103149b2333.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), seed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.txt"), []byte("just some notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPreview(t *testing.T) {
	dir := seedFolder(t)
	stdout, _, err := runCmd(t, nil, "preview", dir)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files refused") {
		t.Errorf("got error %v, want one of two files refused", err)
	}
	for _, want := range []string{
		"美日韩特使呼吁国际社会联手切断朝鲜导弹核武项目的经费来源",
		"2023-04-07 13:08 UTC · 美国之音",
		"美国、韩国和日本周五（4月7日）发表联合声明",
		"photo:   https://images.weserv.nl?url=gdb.voanews.com/01000000-0aff-0242-0ff6-08db375d22b0_r1_s_w900.jpg",
		"caption: 左起：日本核问题特使船越健裕",
		"link:    https://www.voachinese.com/a/skorea-us-japan-call-for-support-of-ban-on-nkorea-workers-20230407/7040511.html",
		"✗ " + filepath.Join(dir, "b.txt"),
		"refused: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("preview output lacks %q; got:\n%s", want, stdout)
		}
	}
}

func TestPreviewJSON(t *testing.T) {
	dir := seedFolder(t)
	stdout, _, err := runCmd(t, nil, "preview", "-json", dir)
	if err == nil {
		t.Errorf("got no error, want the refused file reported")
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), stdout)
	}
	a, bad := lines[0], lines[1]
	for _, key := range []string{"file", "id", "headline", "url", "published", "lead", "photo", "paragraphs", "source"} {
		if _, ok := a[key]; !ok {
			t.Errorf("article line lacks key %q", key)
		}
	}
	if got, want := a["published"], "2023-04-07T13:08:07Z"; got != want {
		t.Errorf("published: got %v, want %v", got, want)
	}
	if _, err := time.Parse(time.RFC3339, a["published"].(string)); err != nil {
		t.Errorf("published is not RFC 3339: %v", err)
	}
	photo, _ := a["photo"].(map[string]any)
	for _, key := range []string{"url", "caption", "fallbacks"} {
		if _, ok := photo[key]; !ok {
			t.Errorf("photo lacks key %q", key)
		}
	}
	if bad["file"] != filepath.Join(dir, "b.txt") || bad["error"] == "" || bad["error"] == nil {
		t.Errorf("refused line: got %v, want file and error", bad)
	}
}

func TestPreviewDefaultsToSeedsDir(t *testing.T) {
	dir := seedFolder(t)
	os.Remove(filepath.Join(dir, "b.txt"))
	stdout, _, err := runCmd(t, map[string]string{"SEEDS_DIR": dir}, "preview")
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if !strings.Contains(stdout, filepath.Join(dir, "a.txt")) {
		t.Errorf("got %q, want the file of SEEDS_DIR", stdout)
	}
}

func TestPreviewMissingPath(t *testing.T) {
	_, _, err := runCmd(t, nil, "preview", filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("got %v, want an error naming the missing path", err)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr error
		want    string
	}{
		{[]string{"-h"}, nil, "Commands:"},
		{[]string{"frobnicate"}, errUsage, `unknown command "frobnicate"`},
		{[]string{"preview", "-h"}, nil, "Usage: bot preview"},
		{[]string{"preview", "-bogus"}, errUsage, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, err := runCmd(t, nil, tt.args...)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("output lacks %q; got:\n%s%s", tt.want, stdout, stderr)
			}
		})
	}
}
