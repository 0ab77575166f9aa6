package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
)

func runPreview(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "preview", "[-json] [file or folder ...]",
		"Shows, for each seed document, what a reader will get: headline, lead, date,\n"+
			"source, photo and caption; refused files with their reason. The default is\n"+
			"the seeds folder ($SEEDS_DIR, else ./seeds). No token, no network.")
	asJSON := fs.Bool("json", false, "print one JSON object per document, for scripts")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{(&parser{getenv: env.getenv}).str("SEEDS_DIR")}
	}
	files, err := expandSeedPaths(paths)
	if err != nil {
		return err
	}

	print := printPreview
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		print = func(_ io.Writer, file string, a *content.Article, err error) error {
			return enc.Encode(newPreviewJSON(file, a, err))
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

func printPreview(w io.Writer, file string, a *content.Article, err error) error {
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
	fmt.Fprintf(&b, "  link:    %s\n\n", a.URL)
	_, werr := io.WriteString(w, b.String())
	return werr
}

// newPreviewJSON is one line of "preview -json": the article, or the file
// and the reason it was refused.
func newPreviewJSON(file string, a *content.Article, err error) any {
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
	return struct {
		File       string   `json:"file"`
		ID         string   `json:"id"`
		Headline   string   `json:"headline"`
		URL        string   `json:"url"`
		Published  string   `json:"published"`
		Lead       string   `json:"lead"`
		Photo      *photo   `json:"photo"`
		Paragraphs []string `json:"paragraphs"`
		Source     string   `json:"source"`
	}{file, a.ID, a.Headline, a.URL, a.Published.Format(time.RFC3339), a.Lead, p, paragraphs, a.Source}
}
