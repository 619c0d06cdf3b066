package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// A person uploading a file in the console: "!upload <path>" reads a local file and posts it
// in the current channel as that person's message; a 🧾 (receipt) reaction on it gives the
// engine the file's SHA-256 and size as the console — the platform here — holds it.

// maxUpload bounds a console upload: the most warroom hashes on any platform.
const maxUpload = bot.MaxEvidenceFile

// upload is a file a person posted, kept with its message.
type upload struct {
	id   string
	name string
	data []byte
}

// upload handles "!upload <path>".
func (s *Shell) upload(_ context.Context, path string) {
	if path == "" {
		s.notice("usage: !upload <path> — posts a local file in this channel (react +🧾 to make it evidence)")
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.notice(fmt.Sprintf("cannot upload %s: %v", path, err))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		s.notice(fmt.Sprintf("cannot upload %s: %v", path, err))
		return
	}
	if int64(len(data)) > maxUpload {
		s.notice(fmt.Sprintf("%s is larger than %d MiB; upload it where evidence is kept and record it with /incident evidence add", path, maxUpload>>20))
		return
	}
	name := visible(filepath.Base(path))
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	ch := s.c.channel(s.channel)
	m := s.c.add(ch, s.user, fmt.Sprintf("(file: %s, %d bytes)", name, len(data)), nil)
	m.files = []upload{{id: "F" + strconv.Itoa(m.n), name: name, data: data}}
}

// receipts hashes a message's files for a 🧾 reaction.
func receipts(files []upload) []bot.FileReceipt {
	out := make([]bot.FileReceipt, 0, len(files))
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		out = append(out, bot.FileReceipt{ID: f.id, Name: strings.TrimSpace(f.name), Size: int64(len(f.data)), SHA256: hex.EncodeToString(sum[:])})
	}
	return out
}
