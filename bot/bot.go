package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// Defaults of Options.
const (
	defaultRateLimit         = 25 // messages a second
	DefaultSenders           = 16
	defaultChatSpacing       = time.Second
	defaultGroupPerMinute    = 20
	defaultCommandsPerMinute = 6
	defaultReportEvery       = 5 * time.Second
	defaultBackoff           = time.Second
	defaultTries             = 3
	defaultGrace             = 5 * time.Second
	defaultRetryBackoff      = time.Minute
)

// Options configure a Bot and its Broadcaster. The zero value works: every
// field has a default.
type Options struct {
	// AdminIDs are the Telegram user IDs allowed the admin commands, in a
	// private chat with the bot.
	AdminIDs []int64
	// MaxAge and MaxPerBroadcast select a broadcast's articles (see
	// state.PlanOptions); MaxAge 0 is no limit, MaxPerBroadcast 0 none.
	MaxAge          time.Duration
	MaxPerBroadcast int
	// RateLimit is the broadcast's messages a second (RATE_LIMIT); default
	// defaultRateLimit. Readers' answers and report edits are not counted,
	// but every free message counts toward Telegram's 30 a second: keep it
	// below that to leave them room.
	RateLimit float64
	// PaidBroadcast sends broadcast messages with allow_paid_broadcast:
	// Telegram lets them past its 30 a second (up to 1000, as RateLimit
	// says) and charges Stars for each.
	PaidBroadcast bool
	// Unpaced turns Telegram's bot-wide and per-chat limits off, for
	// benchmarks against a fake that has none; RateLimit still applies.
	Unpaced bool
	// Senders is how many sends a broadcast has in flight at most, and so
	// what a crash can cost; default DefaultSenders.
	Senders int
	// ChatSpacing is the least time between two broadcast messages to one
	// chat, and the refill period of a chat's bucket for answers; default
	// defaultChatSpacing (Telegram's 1 a second). Negative: none, for tests.
	ChatSpacing time.Duration
	// GroupPerMinute bounds the messages into one group; default
	// defaultGroupPerMinute. Negative: none, for tests.
	GroupPerMinute int
	// CommandsPerMinute is how many commands of one chat get an answer in
	// a minute (admins are not counted); default defaultCommandsPerMinute.
	// Negative: no limit.
	CommandsPerMinute int
	// FullTextsPerMinute is how many full texts (an article's full-text
	// button) one chat gets in a minute; default
	// defaultFullTextsPerMinute. Negative: no limit.
	FullTextsPerMinute int
	// ReportEvery is how often the admin's report message is edited with
	// the progress; default defaultReportEvery.
	ReportEvery time.Duration
	// Backoff is the first wait after a send that was not delivered (a
	// 5xx, a refused connection); it doubles for each of the Tries sends
	// of one message. Defaults defaultBackoff and defaultTries.
	Backoff time.Duration
	Tries   int
	// RetryBackoff is how long after a broadcast that left sends pending
	// (not delivered) a pass retries them; it doubles while passes still
	// leave some, up to 30 minutes. Default defaultRetryBackoff.
	RetryBackoff time.Duration
	// Grace is how long sends already started may take to finish and be
	// recorded after the context of Run ends; default defaultGrace.
	Grace time.Duration
	// PhotoClient downloads photos that Telegram could not fetch; default a
	// client that reaches only public addresses (a seed must not make the
	// bot fetch anything inside its network), follows at most 3 redirects
	// and gives up after 30 s. Tests that serve photos from loopback pass
	// their own.
	PhotoClient *http.Client
	// Telegraph, when set (TELEGRAPH=on), publishes every article as a
	// Telegraph page before its first send, which its messages link to
	// and Telegram opens in Instant View; nil: no pages. A client with a
	// token (TELEGRAPH_TOKEN) publishes with it; without one, an account
	// is created on first use and its token kept in the store.
	Telegraph *telegraph.Client
	// PageWait is the longest an article's first send waits for its page
	// to be created; then it goes without it. Default defaultPageWait.
	PageWait time.Duration
	// PageRetry is the first wait before a page that failed is tried
	// again; it doubles with every failure, up to an hour. Default
	// defaultPageRetry.
	PageRetry time.Duration
	// Logger gets the log lines; default slog.Default().
	Logger *slog.Logger
	// Events, if set, hears of deliveries, photo fallbacks, 429 pauses and
	// broadcasts, for metrics.
	Events Events
}

func (o Options) withDefaults() Options {
	if o.RateLimit <= 0 {
		o.RateLimit = defaultRateLimit
	}
	if o.Senders <= 0 {
		o.Senders = DefaultSenders
	}
	if o.ChatSpacing == 0 {
		o.ChatSpacing = defaultChatSpacing
	}
	if o.ChatSpacing < 0 {
		o.ChatSpacing = 0
	}
	if o.GroupPerMinute == 0 {
		o.GroupPerMinute = defaultGroupPerMinute
	}
	if o.GroupPerMinute < 0 {
		o.GroupPerMinute = 0
	}
	if o.CommandsPerMinute == 0 {
		o.CommandsPerMinute = defaultCommandsPerMinute
	}
	if o.FullTextsPerMinute == 0 {
		o.FullTextsPerMinute = defaultFullTextsPerMinute
	}
	if o.ReportEvery <= 0 {
		o.ReportEvery = defaultReportEvery
	}
	if o.Backoff <= 0 {
		o.Backoff = defaultBackoff
	}
	if o.Tries <= 0 {
		o.Tries = defaultTries
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = defaultRetryBackoff
	}
	if o.Grace <= 0 {
		o.Grace = defaultGrace
	}
	if o.PageWait <= 0 {
		o.PageWait = defaultPageWait
	}
	if o.PageRetry <= 0 {
		o.PageRetry = defaultPageRetry
	}
	if o.PhotoClient == nil {
		o.PhotoClient = newPhotoClient()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Events == nil {
		o.Events = noEvents{}
	}
	return o
}

// newOutbox builds the pacing and sending shared by a Bot's lanes.
func newOutbox(c *telegram.Client, store *state.Store, o Options) *outbox {
	self := c.Self().UserName
	return &outbox{
		client:  c,
		self:    self,
		pace:    newPacer(o.RateLimit, o.ChatSpacing, o.GroupPerMinute, !o.Unpaced),
		photos:  newPhotoBook(o.PhotoClient),
		pages:   newPageBook(store, self, o),
		log:     o.Logger,
		events:  o.Events,
		backoff: o.Backoff,
		tries:   o.Tries,
	}
}

// A Bot answers readers' commands (subscribe, unsubscribe, the latest
// articles) and bot admins' commands (broadcast, announce, stats, reload),
// as the command table says, and runs broadcasts through its Broadcaster.
type Bot struct {
	client  *telegram.Client
	store   *state.Store
	lib     *ingest.Library
	opt     Options
	log     *slog.Logger
	self    string // our username, to tell our commands from other bots'
	admins  map[int64]bool
	out     *outbox
	limit   *throttle
	full    *throttle // full texts
	bc      *Broadcaster
	chats   *chatQueues
	cmds    commandIndex
	updates *updateBook
}

// NewBot returns a Bot that talks through c, keeps its subscribers and
// ledger in store, and re-scans lib on /reload (lib may be nil: /reload
// then fails).
func NewBot(c *telegram.Client, store *state.Store, lib *ingest.Library, opt Options) *Bot {
	opt = opt.withDefaults()
	admins := make(map[int64]bool, len(opt.AdminIDs))
	for _, id := range opt.AdminIDs {
		admins[id] = true
	}
	out := newOutbox(c, store, opt)
	return &Bot{
		client: c,
		store:  store,
		lib:    lib,
		opt:    opt,
		log:    opt.Logger,
		self:   c.Self().UserName,
		admins: admins,
		out:    out,
		limit:  newThrottle(opt.CommandsPerMinute, time.Minute),
		full:   newThrottle(opt.FullTextsPerMinute, time.Minute),
		bc:     newBroadcaster(store, out, opt),
		chats:  newChatQueues(),
		cmds:   newCommandIndex(commandTable()),
	}
}

// Broadcaster is the Bot's broadcaster, for starting a broadcast and
// following it from outside Telegram (a control socket).
func (b *Bot) Broadcaster() *Broadcaster { return b.bc }

// ArticlesChanged tells the Bot that stored articles changed (a scan of the
// seeds folder reported some): their Telegraph pages are compared with
// them and edited in the background. It never blocks, and does nothing
// without Options.Telegraph.
func (b *Bot) ArticlesChanged() { b.out.pages.changed() }

// Run publishes the command menus, resumes an unfinished broadcast, and
// answers updates until ctx ends. Then it stops polling, lets the answers
// and sends already started finish and be recorded (within Options.Grace),
// acknowledges the updates it handled — one still queued when the grace
// ends is left for the next run — and returns.
//
// It returns nil after ctx ended, an *telegram.Error matching telegram.ErrUnauthorized or
// telegram.ErrConflict when Telegram refuses to serve this bot (see telegram.Client.Poll), and
// the broadcaster's error when it fails (see Broadcaster.Run).
func (b *Bot) Run(ctx context.Context) error {
	if err := b.publishMenus(ctx); errors.Is(err, telegram.ErrUnauthorized) {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		bcErr error
	)
	wg.Go(func() {
		if bcErr = b.bc.Run(ctx); bcErr != nil {
			cancel()
		}
	})
	// Answers get Grace to finish after ctx ends.
	answerCtx, stopAnswers := graceContext(ctx, b.opt.Grace)
	defer stopAnswers()
	handled, err := b.store.HandledUpdates()
	if err != nil {
		b.log.Error("bot: the updates handled by the last run are unknown", slog.Any("err", err))
	}
	b.updates = newUpdateBook(handled)
	pollErr := b.client.Poll(ctx, func(_ context.Context, u tgbotapi.Update, done func()) {
		b.dispatch(answerCtx, u, done)
	}, b.chats.wait)
	if err := b.store.SetHandledUpdates(b.updates.unconfirmed()); err != nil {
		b.log.Error("bot: keep the handled updates", slog.Any("err", err))
	}
	cancel()
	wg.Wait()
	if pollErr != nil {
		return pollErr
	}
	return bcErr
}

// graceContext returns a context that ends grace after ctx ends.
func graceContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
		case <-gctx.Done():
		}
		cancel()
	})
	return gctx, func() { stop(); cancel() }
}

// publishMenus sets the command menus of the command table: readers'
// commands for everyone, in Chinese and in English, and the bot admins'
// commands added in each admin's private chat. Failures are logged; the
// returned error is the first one.
//
// The Traditional Chinese menu is not published: setMyCommands selects a
// menu by a two-letter ISO 639-1 language_code, and zh-Hant, zh-TW and
// zh-HK are all "zh" there. Everyone gets the Simplified menu as the
// default (no language_code), which zh readers also fall to; replies
// follow /lang and langOf.
func (b *Bot) publishMenus(ctx context.Context) error {
	var first error
	set := func(scope tgbotapi.BotCommandScope, admin bool) {
		for _, code := range []string{"", LangEN} {
			lang := langZH
			if code != "" {
				lang = code
			}
			_, err := b.client.Request(ctx, tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, code, b.cmds.menu(lang, admin)...))
			if err != nil {
				b.log.Warn("bot: setMyCommands failed", slog.String("scope", scope.Type),
					slog.Int64("chat_id", scope.ChatID), slog.Any("err", err))
				if first == nil {
					first = fmt.Errorf("bot: publish menus: %w", err)
				}
			}
		}
	}
	set(tgbotapi.NewBotCommandScopeDefault(), false)
	for _, id := range b.opt.AdminIDs {
		set(tgbotapi.NewBotCommandScopeChat(id), true)
	}
	return first
}
