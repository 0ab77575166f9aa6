package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// A Library keeps the store's articles in step with the seeds folder. Scan
// reads new and changed files and stores their articles; a file whose size
// and modification time are unchanged is not read again, and one whose bytes
// hash the same is not parsed again. A removed file never deletes an article:
// what was delivered stays on record.
//
// A Library is safe for concurrent use; scans run one at a time.
type Library struct {
	dir   string
	store *state.Store

	mu    sync.Mutex
	files map[string]seedFile // by path, as of the last scan
}

// seedFile is what the last scan learned of one file.
type seedFile struct {
	size int64
	mod  time.Time
	sum  [sha256.Size]byte
	// id and feed are the article's, for deciding between two files of the
	// same URL; id is empty for a refused file.
	id   string
	feed time.Time
	err  error // why the file was refused, reported again on every scan
}

// A ScanResult says what a scan found.
type ScanResult struct {
	// Files is the number of seed files in the folder; Read of them were
	// new or touched and so read, and Parsed of those had new bytes.
	Files, Read, Parsed int
	// Added, Changed and Unchanged count the articles stored, by what the
	// store made of them.
	Added, Changed, Unchanged int
	// Refused holds a *content.FileError for every file that is not a seed
	// document, in name order.
	Refused []error
}

// NewLibrary returns a Library of the seed documents in dir, kept in store.
func NewLibrary(dir string, store *state.Store) *Library {
	return &Library{dir: dir, store: store, files: make(map[string]seedFile)}
}

// Dir is the seeds folder.
func (l *Library) Dir() string { return l.dir }

// Scan brings the store up to date with the seeds folder. Articles new to
// the store are added oldest first by publication, so their ingestion order
// follows the news. Two files of one URL are one article: the one with the
// newer feed time wins. A file that is not a seed document is reported in
// ScanResult.Refused and the rest of the folder is still read.
//
// Scan returns an error wrapping the os package's when the folder can't be
// read, ctx's error when ctx ends, and the store's error when storing fails;
// then files read in this scan are read again by the next.
func (l *Library) Scan(ctx context.Context) (ScanResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	var res ScanResult
	paths, err := content.SeedFiles(l.dir)
	if err != nil {
		return res, fmt.Errorf("ingest: scan seeds: %w", err)
	}
	res.Files = len(paths)

	next := make(map[string]seedFile, len(paths))
	var parsed []parsedSeed
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		fi, err := os.Stat(path)
		if err != nil {
			next[path] = seedFile{err: &content.FileError{Path: path, Err: err}}
			continue
		}
		old, known := l.files[path]
		if known && old.size == fi.Size() && old.mod.Equal(fi.ModTime()) {
			next[path] = old
			continue
		}
		res.Read++
		f, a, data := readSeed(path, fi)
		if known && f.err == nil && old.err == nil && f.sum == old.sum {
			old.size, old.mod = f.size, f.mod
			next[path] = old
			continue
		}
		next[path] = f
		if a != nil {
			res.Parsed++
			parsed = append(parsed, parsedSeed{path, a, data})
		}
	}

	// Of two files with one URL, the newer feed time wins, then the later
	// name; the winner is stored only when it was read in this scan.
	winner := make(map[string]string) // article ID → path
	for _, path := range paths {
		f := next[path]
		if f.id == "" {
			continue
		}
		if w, ok := winner[f.id]; !ok || !next[w].feed.After(f.feed) {
			winner[f.id] = path
		}
	}
	var batch []state.Article
	var stored []parsedSeed
	for _, p := range parsed {
		if winner[p.article.ID] != p.path {
			continue
		}
		batch = append(batch, state.Article{ID: p.article.ID, Published: p.article.Published, Data: p.data, Outlet: p.article.Outlet})
		stored = append(stored, p)
	}
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].Published.Before(batch[j].Published) })
	if len(batch) > 0 {
		ups, err := l.store.UpsertArticles(batch)
		if err != nil {
			return res, fmt.Errorf("ingest: scan seeds: %w", err)
		}
		for _, u := range ups {
			switch u {
			case state.ArticleAdded:
				res.Added++
			case state.ArticleChanged:
				res.Changed++
			default:
				res.Unchanged++
			}
		}
	}
	for _, path := range paths {
		if err := next[path].err; err != nil {
			res.Refused = append(res.Refused, err)
		}
	}
	l.files = next
	return res, nil
}

type parsedSeed struct {
	path    string
	article *content.Article
	data    []byte // the article's encoding for the store
}

// readSeed reads and parses the file at path, returning what the library
// keeps of it and, for a seed document, its article and encoding.
func readSeed(path string, fi os.FileInfo) (seedFile, *content.Article, []byte) {
	f := seedFile{size: fi.Size(), mod: fi.ModTime()}
	refuse := func(err error) (seedFile, *content.Article, []byte) {
		f.err = &content.FileError{Path: path, Err: err}
		return f, nil, nil
	}
	if fi.Size() > content.MaxSize {
		return refuse(content.ErrTooLarge)
	}
	file, err := os.Open(path)
	if err != nil {
		return refuse(err)
	}
	raw, err := io.ReadAll(io.LimitReader(file, content.MaxSize+1))
	file.Close()
	if err != nil {
		return refuse(err)
	}
	f.sum = sha256.Sum256(raw)
	a, err := content.Parse(bytes.NewReader(raw))
	if err != nil {
		var fe *content.FileError
		if errors.As(err, &fe) {
			err = fe.Err
		}
		return refuse(err)
	}
	data, err := EncodeArticle(a)
	if err != nil {
		return refuse(err)
	}
	f.id, f.feed = a.ID, a.FeedTime
	return f, a, data
}

// EncodeArticle is the store's form of an article (state.Article.Data).
func EncodeArticle(a *content.Article) ([]byte, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("ingest: encode article %s: %w", a.ID, err)
	}
	return data, nil
}

// DecodeArticle reads an article from its stored form. It returns an error
// naming the article when the data is not an encoded content.Article.
func DecodeArticle(sa state.Article) (content.Article, error) {
	var a content.Article
	if err := json.Unmarshal(sa.Data, &a); err != nil {
		return a, fmt.Errorf("ingest: decode article %s: %w", sa.ID, err)
	}
	return a, nil
}
