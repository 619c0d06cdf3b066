package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Extra codes for message validation.
const (
	CodeNonTextChannel = 50008
	CodeUnknownEmoji   = 10014
)

// messagePayload is the message body shared by channel messages, interaction callbacks' data,
// follow-ups and webhook edits. Raw fields keep "absent" and "null" apart.
type messagePayload struct {
	Content     *string         `json:"content"`
	Embeds      json.RawMessage `json:"embeds"`
	Components  json.RawMessage `json:"components"`
	Attachments json.RawMessage `json:"attachments"`
	Flags       *int            `json:"flags"`
	StickerIDs  []string        `json:"sticker_ids"`
	Poll        json.RawMessage `json:"poll"`
}

// readPayload returns the JSON payload and uploaded files of a request. discordgo sends
// multipart/form-data with a "payload_json" part and "files[i]" parts when there are files
// (MultipartBodyWithJSON), plain JSON otherwise.
func readPayload(rq *request) (json.RawMessage, []Attachment, error) {
	mt, params, err := mime.ParseMediaType(rq.header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return rq.body, nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(rq.body), params["boundary"])
	var payload json.RawMessage
	var files []Attachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, err
		}
		name := part.FormName()
		switch {
		case name == "payload_json":
			payload = data
		case strings.HasPrefix(name, "files[") || name == "file" || part.FileName() != "":
			files = append(files, Attachment{Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data})
		}
	}
	return payload, files, nil
}

// jsonArray normalizes an optional JSON array: absent/null/[] give nil.
func jsonArray(r json.RawMessage) ([]json.RawMessage, json.RawMessage, error) {
	if len(r) == 0 || string(r) == "null" {
		return nil, nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(r, &items); err != nil {
		return nil, nil, err
	}
	if len(items) == 0 {
		return nil, nil, nil
	}
	return items, r, nil
}

type embedPayload struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func tooLong(field string, max int) response {
	return formErr(field, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
}

// validateEmbeds applies Discord's embed limits: 10 embeds, title 256, description 4096,
// 25 fields (name 256, value 1024), footer 2048, author 256, 6000 characters in total.
func validateEmbeds(items []json.RawMessage) (response, bool) {
	if len(items) > 10 {
		return tooLong("embeds", 10), false
	}
	total := 0
	for i, raw := range items {
		var e embedPayload
		if json.Unmarshal(raw, &e) != nil {
			return badJSON(), false
		}
		f := fmt.Sprintf("embeds.%d.", i)
		switch {
		case runes(e.Title) > 256:
			return tooLong(f+"title", 256), false
		case runes(e.Description) > 4096:
			return tooLong(f+"description", 4096), false
		case len(e.Fields) > 25:
			return tooLong(f+"fields", 25), false
		case e.Footer != nil && runes(e.Footer.Text) > 2048:
			return tooLong(f+"footer.text", 2048), false
		case e.Author != nil && runes(e.Author.Name) > 256:
			return tooLong(f+"author.name", 256), false
		}
		total += runes(e.Title) + runes(e.Description)
		if e.Footer != nil {
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			total += runes(e.Author.Name)
		}
		for j, fl := range e.Fields {
			if runes(fl.Name) > 256 {
				return tooLong(fmt.Sprintf("%sfields.%d.name", f, j), 256), false
			}
			if runes(fl.Value) > 1024 {
				return tooLong(fmt.Sprintf("%sfields.%d.value", f, j), 1024), false
			}
			total += runes(fl.Name) + runes(fl.Value)
		}
	}
	if total > 6000 {
		return formErr("embeds", "BASE_TYPE_MAX_LENGTH", "Embed size exceeds maximum size of 6000"), false
	}
	return response{}, true
}

// messageContent is a validated message body ready to be stored.
type messageContent struct {
	content        *string
	embeds         json.RawMessage
	embedsSet      bool
	components     json.RawMessage
	componentsSet  bool
	keepAttach     []string // ids listed in "attachments", when attachmentsSet
	attachmentsSet bool
	files          []Attachment
	flags          *int
	stickers       int
	poll           bool
}

// parseMessage decodes and validates a message body (2000-character content, embed limits,
// 5 component rows, 10 files, upload size). Nothing is stored here.
func parseMessage(raw json.RawMessage, files []Attachment) (messageContent, response, bool) {
	var p messagePayload
	if !decodeJSON(raw, &p) {
		return messageContent{}, badJSON(), false
	}
	mc := messageContent{content: p.Content, flags: p.Flags, files: files, stickers: len(p.StickerIDs),
		poll: len(p.Poll) > 0 && string(p.Poll) != "null"}
	if p.Content != nil && runes(*p.Content) > 2000 {
		return mc, tooLong("content", 2000), false
	}
	embeds, embedsRaw, err := jsonArray(p.Embeds)
	if err != nil {
		return mc, badJSON(), false
	}
	if r, fine := validateEmbeds(embeds); !fine {
		return mc, r, false
	}
	mc.embeds, mc.embedsSet = embedsRaw, len(p.Embeds) > 0
	comps, compsRaw, err := jsonArray(p.Components)
	if err != nil {
		return mc, badJSON(), false
	}
	if len(comps) > 5 {
		return mc, tooLong("components", 5), false
	}
	mc.components, mc.componentsSet = compsRaw, len(p.Components) > 0
	if len(p.Attachments) > 0 && string(p.Attachments) != "null" {
		var keep []struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(p.Attachments, &keep) != nil {
			return mc, badJSON(), false
		}
		mc.attachmentsSet = true
		for _, k := range keep {
			mc.keepAttach = append(mc.keepAttach, strings.Trim(string(k.ID), `"`))
		}
	}
	if len(files) > 10 {
		return mc, tooLong("files", 10), false
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	if size > DefaultUploadLimit {
		return mc, errResp(http.StatusRequestEntityTooLarge, CodeRequestTooLarge, "Request entity too large"), false
	}
	return mc, response{}, true
}

// empty reports whether a new message would have nothing to show (Discord's 50006).
func (mc messageContent) empty() bool {
	return (mc.content == nil || *mc.content == "") && mc.embeds == nil && mc.components == nil &&
		len(mc.files) == 0 && mc.stickers == 0 && !mc.poll
}

func emptyMessage() response {
	return errResp(http.StatusBadRequest, CodeEmptyMessage, "Cannot send an empty message")
}

// newMessage builds (but does not store) a message from validated content.
func (st *state) newMessage(c *Channel, author string, mc messageContent) *Message {
	m := &Message{ID: st.nextID(), ChannelID: c.ID, GuildID: c.GuildID, AuthorID: author}
	if mc.content != nil {
		m.Content = *mc.content
	}
	m.Embeds, m.Components = mc.embeds, mc.components
	if mc.flags != nil {
		m.Flags = *mc.flags
		m.Ephemeral = m.Flags&FlagEphemeral != 0
	}
	for _, f := range mc.files {
		f.ID = st.nextID()
		m.Attachments = append(m.Attachments, f)
	}
	return m
}

// applyEdit applies validated content to an existing message, following Discord's PATCH rules:
// absent fields are kept, "attachments" lists the existing attachments to keep, new files are
// appended.
func (st *state) applyEdit(m *Message, mc messageContent) {
	if mc.content != nil {
		m.Content = *mc.content
	}
	if mc.embedsSet {
		m.Embeds = mc.embeds
	}
	if mc.componentsSet {
		m.Components = mc.components
	}
	if mc.flags != nil {
		m.Flags = *mc.flags
	}
	if mc.attachmentsSet {
		var kept []Attachment
		for _, a := range m.Attachments {
			for _, id := range mc.keepAttach {
				if a.ID == id {
					kept = append(kept, a)
				}
			}
		}
		m.Attachments = kept
	}
	for _, f := range mc.files {
		f.ID = st.nextID()
		m.Attachments = append(m.Attachments, f)
	}
}

// FlagEphemeral is message flag 64: only the invoking user sees the message.
const FlagEphemeral = 64
