package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
)

// Stand-ins, in a preview, for what only the running bot knows: its
// username and the path of an article's Telegraph page.
const (
	previewBot  = "BOT"
	previewPage = "https://telegra.ph/PAGE"
)

// previewLang is the language of a preview's messages: the readers'
// default.
const previewLang = "zh"

func runPreview(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "preview", "[-full] [-json] [file or folder ...]",
		"Shows, for each seed document, what a reader will get: headline, lead, date,\n"+
			"source, photo and caption, and the message's buttons; refused files with their\n"+
			"reason. -full adds the messages of the full text (the \"全文\" button). With\n"+
			"TELEGRAPH=on the messages link to the article's Instant View page, and -json\n"+
			"adds the page's nodes. The default is the seeds folder ($SEEDS_DIR, else\n"+
			"./seeds). No token, no network: the bot's username shows as "+previewBot+" and\n"+
			"a page's address as "+previewPage+".")
	asJSON := fs.Bool("json", false, "print one JSON object per document, for scripts, with the messages")
	full := fs.Bool("full", false, "print the full text's messages too, as a reader gets them")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	p := &parser{getenv: env.getenv}
	telegraphOn := p.onOff("TELEGRAPH")
	if err := errors.Join(p.errs...); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	page := ""
	if telegraphOn {
		page = previewPage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{(&parser{getenv: env.getenv}).str("SEEDS_DIR")}
	}
	files, err := expandSeedPaths(paths)
	if err != nil {
		return err
	}

	print := func(w io.Writer, file string, a *content.Article, err error) error {
		return printPreview(w, file, a, err, page, *full)
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		print = func(_ io.Writer, file string, a *content.Article, err error) error {
			return enc.Encode(newPreviewJSON(file, a, err, page, telegraphOn))
		}
	}
	refused := 0
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, perr := content.ParseFile(file)
		if perr != nil {
			refused++
		}
		if err := print(env.stdout, file, a, perr); err != nil {
			return fmt.Errorf("preview: %w", err)
		}
	}
	if refused > 0 {
		return fmt.Errorf("preview: %d of %d files refused", refused, len(files))
	}
	return nil
}

// expandSeedPaths replaces each folder among paths by the seed files of its
// tree, as ingest reads them.
func expandSeedPaths(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("preview: %w", err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		inDir, err := ingest.SeedFiles(p)
		if err != nil {
			return nil, fmt.Errorf("preview: %w", err)
		}
		files = append(files, inDir...)
	}
	return files, nil
}

// printPreview prints one document's preview: the article and its
// message's buttons, with full its full text's messages; page is the
// stand-in of its Telegraph page, "" without Telegraph.
func printPreview(w io.Writer, file string, a *content.Article, err error, page string, full bool) error {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "✗ %s\n  refused: %v\n\n", file, err)
		_, werr := io.WriteString(w, b.String())
		return werr
	}
	fmt.Fprintf(&b, "✓ %s\n", file)
	fmt.Fprintf(&b, "  %s\n", a.Headline)
	fmt.Fprintf(&b, "  %s · %s\n", a.Published.Format("2006-01-02 15:04 MST"), a.Source)
	if a.Lead != "" {
		fmt.Fprintf(&b, "  %s\n", a.Lead)
	} else {
		fmt.Fprintf(&b, "  (no text paragraph: the message is the headline and the link)\n")
	}
	if a.Photo != nil {
		fmt.Fprintf(&b, "  photo:   %s\n", a.Photo.URL)
		if a.Photo.Caption != "" {
			fmt.Fprintf(&b, "  caption: %s\n", a.Photo.Caption)
		}
	} else {
		fmt.Fprintf(&b, "  photo:   none (sent as a text message)\n")
	}
	fmt.Fprintf(&b, "  link:    %s\n", a.URL)
	summary, fullText := bot.ArticleMessages(*a, previewLang, previewBot, page)
	for _, btn := range summary.Buttons {
		fmt.Fprintf(&b, "  button:  %s → %s\n", btn.Text, btn.URL)
	}
	if full {
		fmt.Fprintf(&b, "  full text, %d messages:\n", len(fullText))
		for i, m := range fullText {
			what := "text"
			if m.Photo != "" {
				what = "photo " + m.Photo
			}
			fmt.Fprintf(&b, "  ── %d/%d · %s · %d characters\n", i+1, len(fullText), what, utf16Units(m.Text))
			for _, line := range strings.Split(m.Text, "\n") {
				fmt.Fprintf(&b, "  │ %s\n", line)
			}
		}
	}
	b.WriteString("\n")
	_, werr := io.WriteString(w, b.String())
	return werr
}

// utf16Units is the length of s as Telegram counts it.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// newPreviewJSON is one line of "preview -json": the article with its
// messages (and its Telegraph page when withPage), or the file and the
// reason it was refused.
func newPreviewJSON(file string, a *content.Article, err error, page string, withPage bool) any {
	if err != nil {
		return struct {
			File  string `json:"file"`
			Error string `json:"error"`
		}{file, err.Error()}
	}
	type photo struct {
		URL       string   `json:"url"`
		Caption   string   `json:"caption"`
		Fallbacks []string `json:"fallbacks"`
	}
	var p *photo
	if a.Photo != nil {
		p = &photo{a.Photo.URL, a.Photo.Caption, a.Photo.Fallbacks}
		if p.Fallbacks == nil {
			p.Fallbacks = []string{}
		}
	}
	paragraphs := a.Paragraphs
	if paragraphs == nil {
		paragraphs = []string{}
	}
	type messages struct {
		Summary  bot.Message   `json:"summary"`
		FullText []bot.Message `json:"full_text"`
	}
	var m messages
	m.Summary, m.FullText = bot.ArticleMessages(*a, previewLang, previewBot, page)
	var tp *telegraph.Page
	if withPage {
		pg := bot.InstantViewPage(*a, previewLang)
		tp = &pg
	}
	return struct {
		File       string          `json:"file"`
		ID         string          `json:"id"`
		Headline   string          `json:"headline"`
		URL        string          `json:"url"`
		Published  string          `json:"published"`
		Lead       string          `json:"lead"`
		Photo      *photo          `json:"photo"`
		Paragraphs []string        `json:"paragraphs"`
		Source     string          `json:"source"`
		Messages   messages        `json:"messages"`
		Telegraph  *telegraph.Page `json:"telegraph,omitempty"`
	}{file, a.ID, a.Headline, a.URL, a.Published.Format(time.RFC3339), a.Lead, p, paragraphs, a.Source, m, tp}
}
