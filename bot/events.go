package bot

import (
	"time"

	"github.com/newsbot/newsbot/state"
)

// Events hears of what a Bot and its Broadcaster do, for metrics
// (Options.Events). Its methods are called from the goroutines doing the
// work, so they must be safe for concurrent use and must not block.
type Events interface {
	// Delivered is called for each outcome of a send that the ledger
	// recorded, a broadcast's or a /latest answer's: Sent, Failed, Pending
	// (not delivered: the next broadcast retries it) or Unknown.
	Delivered(state.EntryState)
	// PhotoFallback is called when a step of sending an article's photo
	// fails, with the step (FallbackFileID, FallbackURL, FallbackUpload),
	// and with FallbackText for each article sent as text because no
	// photo worked.
	PhotoFallback(step string)
	// Paused is called when a 429 stops all sending, with the time the
	// pause added: how much later sending resumes than it would have.
	Paused(d time.Duration)
	// BroadcastStarted is called when the delivery of a broadcast begins,
	// planned now or resumed after a restart.
	BroadcastStarted(state.Broadcast)
	// BroadcastFinished is called with a broadcast's summary once it has
	// finished.
	BroadcastFinished(state.Broadcast)
}

// The steps of Events.PhotoFallback.
const (
	// FallbackFileID: Telegram refused the file_id an earlier send got.
	FallbackFileID = "file_id"
	// FallbackURL: Telegram could not fetch a photo URL.
	FallbackURL = "url"
	// FallbackUpload: a photo could not be downloaded, or Telegram refused
	// its upload.
	FallbackUpload = "upload"
	// FallbackText: no photo worked; the article went as a text message.
	FallbackText = "text"
)

// noEvents hears nothing: the Events of Options without one.
type noEvents struct{}

func (noEvents) Delivered(state.EntryState)        {}
func (noEvents) PhotoFallback(string)              {}
func (noEvents) Paused(time.Duration)              {}
func (noEvents) BroadcastStarted(state.Broadcast)  {}
func (noEvents) BroadcastFinished(state.Broadcast) {}
