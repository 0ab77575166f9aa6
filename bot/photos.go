package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
)

// maxUpload is the largest photo the bot downloads and uploads itself when
// Telegram cannot fetch any of its URLs.
const maxUpload = 10 << 20

// A photoBook remembers what Telegram made of articles' photos, so that a
// photo is fetched by Telegram once: the file_id of the first successful
// send is reused for every later recipient, and a URL that failed is not
// tried again (until forget, at the next broadcast). The first send of an
// article's photo is made by one sender at a time; the others wait for its
// outcome.
type photoBook struct {
	http *http.Client

	mu       sync.Mutex
	articles map[string]*photoState // by article ID
	failed   map[string]bool        // URLs Telegram could not fetch
	noUpload map[string]bool        // URLs we could not download or upload
}

type photoState struct {
	turn   chan struct{} // held by the sender finding out what works
	fileID string        // what Telegram gave the photo
	none   bool          // no URL and no upload worked: send text
}

func newPhotoBook(client *http.Client) *photoBook {
	return &photoBook{http: client, articles: make(map[string]*photoState),
		failed: make(map[string]bool), noUpload: make(map[string]bool)}
}

// forget drops what failed, keeping the file_ids: a URL may work again in a
// later broadcast.
func (b *photoBook) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.failed)
	clear(b.noUpload)
	for _, st := range b.articles {
		st.none = false
	}
}

func (b *photoBook) state(id string) *photoState {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.articles[id]
	if st == nil {
		st = &photoState{turn: make(chan struct{}, 1)}
		b.articles[id] = st
	}
	return st
}

// known returns the article's file_id, or whether to send text.
func (b *photoBook) known(st *photoState) (fileID string, none bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return st.fileID, st.none
}

// send sends a's photo with its caption and ln's buttons into chat. done is false when no
// photo works and the caller should send the text form; else msg and err are
// the send's (an error of the chat, not of the photo, such as a 403, or the
// lane's context error).
func (b *photoBook) send(l lane, o *outbox, chat int64, a content.Article, lang string, ln articleLinks) (msg tgbotapi.Message, done bool, err error) {
	st := b.state(a.ID)
	if id, none := b.known(st); none {
		return msg, false, nil
	} else if id != "" {
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileID(id)))
		if telegram.ClassOf(err) != telegram.ClassBadPhoto {
			return msg, true, err
		}
		b.mu.Lock()
		if st.fileID == id {
			st.fileID = ""
		}
		b.mu.Unlock()
	}

	select {
	case st.turn <- struct{}{}:
	case <-l.ctx.Done():
		return msg, true, l.ctx.Err()
	}
	defer func() { <-st.turn }()
	if id, none := b.known(st); none {
		return msg, false, nil
	} else if id != "" {
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileID(id)))
		return msg, true, err
	}

	urls := append([]string{a.Photo.URL}, a.Photo.Fallbacks...)
	for _, u := range urls {
		if b.isFailed(b.failed, u) {
			continue
		}
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileURL(u)))
		switch telegram.ClassOf(err) {
		case telegram.ClassNone:
			b.learn(st, msg)
			return msg, true, nil
		case telegram.ClassBadPhoto:
			o.log.Info("bot: Telegram could not fetch a photo", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", err))
			b.fail(b.failed, u)
			continue
		}
		return msg, true, err
	}
	for _, u := range urls {
		if b.isFailed(b.noUpload, u) {
			continue
		}
		data, derr := b.download(l.ctx, u)
		if derr != nil {
			o.log.Info("bot: photo download failed", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", derr))
			b.fail(b.noUpload, u)
			continue
		}
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileBytes{Name: photoName(u), Bytes: data}))
		switch telegram.ClassOf(err) {
		case telegram.ClassNone:
			b.learn(st, msg)
			return msg, true, nil
		case telegram.ClassBadPhoto, telegram.ClassBadRequest:
			o.log.Info("bot: Telegram refused an uploaded photo", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", err))
			b.fail(b.noUpload, u)
			continue
		}
		return msg, true, err
	}
	b.mu.Lock()
	st.none = true
	b.mu.Unlock()
	return msg, false, nil
}

func (b *photoBook) isFailed(set map[string]bool, u string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return set[u]
}

func (b *photoBook) fail(set map[string]bool, u string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	set[u] = true
}

// learn keeps the file_id of the largest size Telegram made of a photo.
func (b *photoBook) learn(st *photoState, msg tgbotapi.Message) {
	if len(msg.Photo) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	st.fileID = msg.Photo[len(msg.Photo)-1].FileID
}

// download fetches a photo of at most maxUpload bytes. It returns an error
// for a failed request, a status other than 200, a body that is not an
// image, or one that is too large.
func (b *photoBook) download(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("bot: download photo: %w", err)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bot: download photo: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: download photo %s: HTTP %d", u, resp.StatusCode)
	}
	if resp.ContentLength > maxUpload {
		return nil, fmt.Errorf("bot: download photo %s: %d bytes, more than %d", u, resp.ContentLength, maxUpload)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("bot: download photo %s: %w", u, err)
	}
	if len(data) > maxUpload {
		return nil, fmt.Errorf("bot: download photo %s: more than %d bytes", u, maxUpload)
	}
	if ct := http.DetectContentType(data); !strings.HasPrefix(ct, "image/") {
		return nil, fmt.Errorf("bot: download photo %s: %s is not an image", u, ct)
	}
	return data, nil
}

// photoName is the file name an upload gets.
func photoName(u string) string {
	name := path.Base(strings.SplitN(u, "?", 2)[0])
	if name == "" || name == "." || name == "/" || !strings.Contains(name, ".") {
		return "photo.jpg"
	}
	return name
}
