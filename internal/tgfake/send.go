package tgfake

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A Message is a message the server accepted from the bot.
type Message struct {
	ChatID    int64
	MessageID int
	// Method is "sendMessage" or "sendPhoto".
	Method string
	// Text is the text, or the photo's caption, as sent (with its markup).
	Text string
	// Visible is the text a reader sees, after entity parsing.
	Visible   string
	ParseMode string
	// Photo is the photo as sent: a URL, a file_id, or "upload:" and the
	// uploaded file's name.
	Photo string
	// FileID is the file_id the server gave the photo.
	FileID string
	// DisablePreview is disable_web_page_preview.
	DisablePreview bool
	// Paid says whether it was sent with allow_paid_broadcast (Bot API
	// 7.11; tgbotapi v5.5.1 sends it only through MakeRequest): Telegram
	// charges Stars for it, and counts it against PaidPerSecond instead of
	// GlobalPerSecond.
	Paid bool
	// ReplyMarkup is the reply_markup as last sent (JSON), if any.
	ReplyMarkup string
	// Buttons are the message's inline keyboard, row by row: nil when it
	// has none. An edit replaces them.
	Buttons [][]Button
	// Time is when the server accepted it, by the clock of Options.Now.
	Time time.Time
	// Edits counts the edits that changed the message.
	Edits int

	keyboard string // the inline keyboard's canonical JSON, "" for none
}

// msgKey names a message: its chat and its ID in the chat.
type msgKey struct {
	chat int64
	id   int
}

// messageLocked is the message the bot sent into chatID with msgID, or nil.
// s.mu must be held.
func (s *Server) messageLocked(chatID int64, msgID int) *Message {
	if i, ok := s.msgIndex[msgKey{chatID, msgID}]; ok {
		return &s.messages[i]
	}
	return nil
}

// apiMessage is m, sent into c, as the Bot API answers it.
func (s *Server) apiMessage(c *chat, m *Message) tgbotapi.Message {
	out := tgbotapi.Message{
		MessageID:   m.MessageID,
		Date:        int(m.Time.Unix()),
		Chat:        c.api(),
		ReplyMarkup: keyboard{canon: m.keyboard}.api(),
	}
	if c.typ == Channel {
		out.SenderChat = c.api()
	} else {
		out.From = s.botUser()
	}
	if m.Method == "sendPhoto" {
		out.Caption = m.Visible
		out.Photo = []tgbotapi.PhotoSize{
			{FileID: m.FileID + "-s", FileUniqueID: m.FileID + "-su", Width: 90, Height: 60, FileSize: 1500},
			{FileID: m.FileID, FileUniqueID: m.FileID + "-u", Width: 800, Height: 533, FileSize: 60000},
		}
	} else {
		out.Text = m.Visible
	}
	return out
}

// Messages returns every accepted message, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// MessagesTo returns the accepted messages of one chat, in order.
func (s *Server) MessagesTo(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Sends returns the sends the server accepted into chatID (messages and
// edits), oldest first: what the rate limits counted.
func (s *Server) Sends(chatID int64) []Send {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return append([]Send(nil), c.sends...)
	}
	return nil
}

// SetUnfetchable marks a photo URL that Telegram cannot fetch: sendPhoto
// with it answers 400 "failed to get HTTP URL content".
func (s *Server) SetUnfetchable(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unfetchable[url] = true
}

// PhotoRequests is how many sendPhoto calls named the photo URL url.
func (s *Server) PhotoRequests(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.urlRequests[url]
}

// limit applies the rate limits to a send into c, paid or not: it returns
// the time the send was admitted at, or a 429. s.mu must be held.
func (s *Server) limit(c *chat, paid bool) (time.Time, *Fault) {
	now := s.now()
	if wait := s.admit(c, now, paid); wait > 0 {
		s.rateLimited++
		f := TooMany(retryAfter(wait))
		return now, &f
	}
	return now, nil
}

// record keeps m, a message the server accepted into c at now, and returns
// it as the Bot API answers it. s.mu must be held.
func (s *Server) record(c *chat, now time.Time, m Message) tgbotapi.Message {
	m.ChatID = c.id
	m.MessageID = c.nextMsgID
	m.Time = now
	c.nextMsgID++
	c.sends = append(c.sends, Send{ChatID: c.id, MessageID: m.MessageID, Method: m.Method, Time: now, Paid: m.Paid})
	s.msgIndex[msgKey{c.id, m.MessageID}] = len(s.messages)
	s.messages = append(s.messages, m)
	s.notify()
	return s.apiMessage(c, &m)
}

func (s *Server) sendMessage(p params) (any, *Fault) {
	text, mode := p.get("text"), p.get("parse_mode")
	if err := CheckText(text, mode); err != nil {
		return nil, badRequest(err.Error())
	}
	visible, _ := visible(text, mode)
	kb, f := parseMarkup(p.get("reply_markup"), false)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := s.target(p)
	if f != nil {
		return nil, f
	}
	paid := p.paid()
	now, f := s.limit(c, paid)
	if f != nil {
		return nil, f
	}
	return s.record(c, now, Message{Method: "sendMessage", Text: text, Visible: visible, ParseMode: mode,
		DisablePreview: p.get("disable_web_page_preview") == "true", Paid: paid,
		ReplyMarkup: p.get("reply_markup"), Buttons: kb.buttons, keyboard: kb.canon}), nil
}

// maxUpload is the largest photo Telegram takes as an upload.
const maxUpload = 10 << 20

func (s *Server) sendPhoto(p params) (any, *Fault) {
	caption, mode := p.get("caption"), p.get("parse_mode")
	if err := CheckCaption(caption, mode); err != nil {
		return nil, badRequest(err.Error())
	}
	visible, _ := visible(caption, mode)
	kb, f := parseMarkup(p.get("reply_markup"), false)
	if f != nil {
		return nil, f
	}
	photo := p.get("photo")
	upload := p.files["photo"]
	if name, ok := strings.CutPrefix(photo, "attach://"); ok {
		upload, photo = p.files[name], ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := s.target(p)
	if f != nil {
		return nil, f
	}
	var sent, fileID string
	switch {
	case upload != nil:
		if upload.Size > maxUpload {
			return nil, &Fault{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
		}
		if upload.Size == 0 {
			return nil, badRequest("file must be non-empty")
		}
		sent, fileID = "upload:"+upload.Filename, s.newFileLocked("upl")
	case strings.HasPrefix(photo, "http://") || strings.HasPrefix(photo, "https://"):
		sent = photo
		s.urlRequests[photo]++
		if s.unfetchable[photo] {
			return nil, badRequest("failed to get HTTP URL content")
		}
		fileID = s.urlFiles[photo]
		if fileID == "" {
			fileID = s.newFileLocked("url")
			s.urlFiles[photo] = fileID
		}
	case photo == "":
		return nil, badRequest("there is no photo in the request")
	default:
		if !s.files[photo] {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		sent, fileID = photo, strings.TrimSuffix(photo, "-s")
	}
	paid := p.paid()
	now, f := s.limit(c, paid)
	if f != nil {
		return nil, f
	}
	return s.record(c, now, Message{Method: "sendPhoto", Text: caption, Visible: visible, ParseMode: mode,
		Photo: sent, FileID: fileID, Paid: paid,
		ReplyMarkup: p.get("reply_markup"), Buttons: kb.buttons, keyboard: kb.canon}), nil
}

// newFileLocked makes a file_id (and its thumbnail's) known; s.mu must be
// held.
func (s *Server) newFileLocked(prefix string) string {
	s.nextFile++
	id := "AgAC" + prefix + strconv.Itoa(s.nextFile)
	s.files[id], s.files[id+"-s"] = true, true
	return id
}

func (s *Server) editMessageText(p params) (any, *Fault) {
	text, mode := p.get("text"), p.get("parse_mode")
	if err := CheckText(text, mode); err != nil {
		return nil, badRequest(err.Error())
	}
	visible, _ := visible(text, mode)
	kb, f := parseMarkup(p.get("reply_markup"), true)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, f := s.editTarget(p)
	if f != nil {
		return nil, f
	}
	if m.Method != "sendMessage" {
		return nil, badRequest("there is no text in the message to edit")
	}
	// Without reply_markup, an edit removes the keyboard, as on Telegram.
	if m.Text == text && m.ParseMode == mode && m.keyboard == kb.canon {
		return nil, notModified()
	}
	now, f := s.limit(c, false)
	if f != nil {
		return nil, f
	}
	m.Text, m.Visible, m.ParseMode = text, visible, mode
	return s.edited(c, m, "editMessageText", now, p.get("reply_markup"), kb), nil
}

// editTarget resolves an edit's chat and message; s.mu must be held.
func (s *Server) editTarget(p params) (*chat, *Message, *Fault) {
	if p.get("inline_message_id") != "" {
		return nil, nil, badRequest("message to edit not found") // the bot sends no inline messages
	}
	c, f := s.target(p)
	if f != nil {
		return nil, nil, f
	}
	msgID, _ := strconv.Atoi(p.get("message_id"))
	m := s.messageLocked(c.id, msgID)
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	return c, m, nil
}

func notModified() *Fault {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

// edited records an accepted edit of m by method at now, with the new
// keyboard, and returns m as the Bot API answers it. s.mu must be held.
func (s *Server) edited(c *chat, m *Message, method string, now time.Time, rawMarkup string, kb keyboard) tgbotapi.Message {
	m.ReplyMarkup, m.Buttons, m.keyboard = rawMarkup, kb.buttons, kb.canon
	m.Edits++
	c.sends = append(c.sends, Send{ChatID: c.id, MessageID: m.MessageID, Method: method, Time: now})
	s.notify()
	out := s.apiMessage(c, m)
	out.EditDate = int(now.Unix())
	return out
}
