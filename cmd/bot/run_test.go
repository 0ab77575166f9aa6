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

func TestPreviewFull(t *testing.T) {
	dir := seedFolder(t)
	os.Remove(filepath.Join(dir, "b.txt"))
	tests := []struct {
		name   string
		vars   map[string]string
		want   []string
		absent []string
	}{
		{"telegraph off", nil, []string{
			"button:  全文 → https://t.me/BOT?start=",
			"full text, 2 messages:",
			"── 1/2 · photo https://images.weserv.nl?url=gdb.voanews.com/",
			"│ 美日韩特使呼吁国际社会联手切断朝鲜导弹核武项目的经费来源\n  │ 2023年4月7日 · 美国之音\n",
			"── 2/2 · text · ",
			"│ （本文依据了美联社和路透社的报道）\n  │ \n  │ 阅读原文\n  │ \n  │ 发送 /subscribe 订阅新文章。\n",
		}, []string{"即时预览"}},
		{"telegraph on", map[string]string{"TELEGRAPH": "on"}, []string{
			"button:  ⚡ 即时预览 → https://telegra.ph/PAGE",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runCmd(t, tt.vars, "preview", "-full", dir)
			if err != nil {
				t.Fatalf("preview -full: %v", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q; got:\n%s", want, stdout)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(stdout, s) {
					t.Errorf("output has %q; got:\n%s", s, stdout)
				}
			}
		})
	}
	if _, _, err := runCmd(t, map[string]string{"TELEGRAPH": "maybe"}, "preview", dir); err == nil || !strings.Contains(err.Error(), "TELEGRAPH") {
		t.Errorf("TELEGRAPH=maybe: got %v, want an error naming it", err)
	}
}

func TestPreviewJSONMessages(t *testing.T) {
	dir := seedFolder(t)
	os.Remove(filepath.Join(dir, "b.txt"))
	type message struct {
		Method, Photo, HTML, Text string
		Buttons                   []struct{ Text, URL string }
	}
	type line struct {
		Paragraphs []string
		Messages   struct {
			Summary  message
			FullText []message `json:"full_text"`
		}
		Telegraph *struct {
			Title      string
			AuthorName string `json:"author_name"`
			AuthorURL  string `json:"author_url"`
			Content    []json.RawMessage
		}
	}
	for _, on := range []bool{false, true} {
		vars := map[string]string{"TELEGRAPH": map[bool]string{false: "off", true: "on"}[on]}
		stdout, _, err := runCmd(t, vars, "preview", "-json", dir)
		if err != nil {
			t.Fatalf("preview -json: %v", err)
		}
		var l line
		if err := json.Unmarshal([]byte(stdout), &l); err != nil {
			t.Fatalf("%v:\n%s", err, stdout)
		}
		s := l.Messages.Summary
		if s.Method != "sendPhoto" || !strings.HasPrefix(s.Text, "美日韩特使") || len(s.Buttons) != 1+map[bool]int{true: 1}[on] {
			t.Errorf("TELEGRAPH %v: got summary %+v, want the photo message with its buttons", on, s)
		}
		full := l.Messages.FullText
		if len(full) != 2 || full[0].Method != "sendPhoto" || full[1].Method != "sendMessage" {
			t.Fatalf("TELEGRAPH %v: got full text %+v, want a photo and a text", on, full)
		}
		for _, p := range l.Paragraphs {
			if strings.Count(full[1].Text, p) != 1 {
				t.Errorf("the full text lacks a paragraph: %q", p)
			}
		}
		switch {
		case on && (l.Telegraph == nil || l.Telegraph.AuthorName != "美国之音" || len(l.Telegraph.Content) != len(l.Paragraphs)+2):
			t.Errorf("TELEGRAPH on: got page %+v, want the figure, the paragraphs and the link", l.Telegraph)
		case !on && l.Telegraph != nil:
			t.Errorf("TELEGRAPH off: got a page, want none")
		}
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
