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
	"time"

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
	now  func() time.Time

	mu       sync.Mutex
	articles map[string]*photoState // by article ID
	failed   map[string]bool        // URLs Telegram could not fetch, or fetched too slowly
	noUpload map[string]bool        // URLs we could not download or upload
}

type photoState struct {
	turn     chan struct{} // held by the sender finding out what works
	slow     chan struct{} // closed when a request of the holder's is slow
	slowSaid bool          // slow is closed
	holder   uint64        // counts the turns taken, so that a late timer knows its turn is over
	fileID   string        // what Telegram gave the photo
	none     bool          // no URL and no upload worked: send text
	used     time.Time
}

// photoTurnWait is how long a request of the sender finding out what works
// for an article's photo may take before the senders waiting for it send
// the text form instead: one slow photo URL stalls no broadcast.
const photoTurnWait = 3 * time.Second

// photoIdle is how long an article's photo state is kept unused: longer
// than any article is broadcast.
const photoIdle = 8 * 24 * time.Hour

func newPhotoBook(client *http.Client) *photoBook {
	return &photoBook{http: client, now: time.Now, articles: make(map[string]*photoState),
		failed: make(map[string]bool), noUpload: make(map[string]bool)}
}

// forget drops what failed, keeping the file_ids: a URL may work again in a
// later broadcast. The states of articles unused for photoIdle go.
func (b *photoBook) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.failed)
	clear(b.noUpload)
	now := b.now()
	for id, st := range b.articles {
		if now.Sub(st.used) >= photoIdle {
			delete(b.articles, id)
			continue
		}
		st.none = false
	}
}

func (b *photoBook) state(id string) *photoState {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.articles[id]
	if st == nil {
		st = &photoState{turn: make(chan struct{}, 1), slow: make(chan struct{})}
		b.articles[id] = st
	}
	st.used = b.now()
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
//
// The first send of an article's photo finds out what works, one sender at
// a time; the others wait for it, but not for a request of its that takes
// longer than photoTurnWait: they send the text form instead.
func (b *photoBook) send(l lane, o *outbox, chat int64, a content.Article, lang string, ln articleLinks) (msg tgbotapi.Message, done bool, err error) {
	st := b.state(a.ID)
	if msg, done, err, ok := b.byFileID(l, o, st, chat, a, lang, ln); ok {
		return msg, done, err
	}
	b.mu.Lock()
	slow := st.slow
	b.mu.Unlock()
	select {
	case st.turn <- struct{}{}:
	case <-slow:
		o.log.Info("bot: another send is slow to try the photo; sending the text", slog.String("article_id", a.ID))
		return msg, false, nil
	case <-l.ctx.Done():
		return msg, true, l.ctx.Err()
	}
	defer b.release(st)
	if msg, done, err, ok := b.byFileID(l, o, st, chat, a, lang, ln); ok {
		return msg, done, err
	}
	w := &slowWatch{book: b, st: st}
	defer w.end()
	l = w.lane(l)

	urls := append([]string{a.Photo.URL}, a.Photo.Fallbacks...)
	for _, u := range urls {
		if b.isFailed(b.failed, u) {
			continue
		}
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileURL(u)))
		w.end()
		switch telegram.ClassOf(err) {
		case telegram.ClassNone:
			b.learn(st, msg)
			return msg, true, nil
		case telegram.ClassBadPhoto:
			o.log.Info("bot: Telegram could not fetch a photo", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", err))
			b.fail(b.failed, u)
			o.events.PhotoFallback(FallbackURL)
			continue
		case telegram.ClassUnknownOutcome:
			// It may have arrived: this reader's send is over. The URL
			// is too slow to try again for the others.
			o.log.Info("bot: a photo send timed out; the others skip its URL", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", err))
			b.fail(b.failed, u)
		}
		return msg, true, err
	}
	for _, u := range urls {
		if b.isFailed(b.noUpload, u) {
			continue
		}
		w.begin()
		data, derr := b.download(l.ctx, u)
		w.end()
		if derr != nil {
			o.log.Info("bot: photo download failed", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", derr))
			b.fail(b.noUpload, u)
			o.events.PhotoFallback(FallbackUpload)
			continue
		}
		msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileBytes{Name: photoName(u), Bytes: data}))
		w.end()
		switch telegram.ClassOf(err) {
		case telegram.ClassNone:
			b.learn(st, msg)
			return msg, true, nil
		case telegram.ClassBadPhoto, telegram.ClassBadRequest:
			o.log.Info("bot: Telegram refused an uploaded photo", slog.String("article_id", a.ID), slog.String("url", u), slog.Any("err", err))
			b.fail(b.noUpload, u)
			o.events.PhotoFallback(FallbackUpload)
			continue
		}
		return msg, true, err
	}
	b.mu.Lock()
	st.none = true
	b.mu.Unlock()
	return msg, false, nil
}

// byFileID sends the photo by the file_id Telegram gave it, when there is
// one, or reports that the text goes; ok is false when neither is known (or
// Telegram refused the file_id, which is then forgotten).
func (b *photoBook) byFileID(l lane, o *outbox, st *photoState, chat int64, a content.Article, lang string, ln articleLinks) (msg tgbotapi.Message, done bool, err error, ok bool) {
	id, none := b.known(st)
	switch {
	case none:
		return msg, false, nil, true
	case id == "":
		return msg, false, nil, false
	}
	msg, err = o.send(l, chat, articlePhoto(chat, a, lang, ln, tgbotapi.FileID(id)))
	if telegram.ClassOf(err) != telegram.ClassBadPhoto {
		return msg, true, err, true
	}
	o.events.PhotoFallback(FallbackFileID)
	b.mu.Lock()
	if st.fileID == id {
		st.fileID = ""
	}
	b.mu.Unlock()
	return msg, false, nil, false
}

// release gives up the turn of st, with a new slow signal for the next
// holder if this one's was given.
func (b *photoBook) release(st *photoState) {
	b.mu.Lock()
	st.holder++
	if st.slowSaid {
		st.slow, st.slowSaid = make(chan struct{}), false
	}
	b.mu.Unlock()
	<-st.turn
}

// A slowWatch tells the senders waiting for a photo's turn when one of the
// holder's requests (to Telegram, or a download) has taken longer than
// photoTurnWait. Waits for the pacer don't count.
type slowWatch struct {
	book  *photoBook
	st    *photoState
	timer *time.Timer
}

// lane is l, whose every request starts the watch.
func (w *slowWatch) lane(l lane) lane {
	before := l.before
	l.before = func() error {
		if before != nil {
			if err := before(); err != nil {
				return err
			}
		}
		w.begin()
		return nil
	}
	return l
}

func (w *slowWatch) begin() {
	w.end()
	b, st := w.book, w.st
	b.mu.Lock()
	holder := st.holder
	b.mu.Unlock()
	w.timer = time.AfterFunc(photoTurnWait, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		// A timer that fired as its turn ended must not mark the next
		// holder slow.
		if st.holder == holder && !st.slowSaid {
			close(st.slow)
			st.slowSaid = true
		}
	})
}

func (w *slowWatch) end() {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
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
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("bot: download photo %s: not an http or https URL", u)
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
