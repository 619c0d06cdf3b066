package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// keyPath is the checkpoint signing key: --key, env WARROOM_KEY, or warroom.key beside the
// database.
func (m *Main) keyPath(o *options) string {
	if o.key != "" {
		return o.key
	}
	if k := m.Getenv("WARROOM_KEY"); k != "" {
		return k
	}
	return filepath.Join(filepath.Dir(o.db), "warroom.key")
}

// loadKey reads the Ed25519 key at path (PKCS #8 PEM). A key readable by others is refused:
// whoever holds it can sign a rewritten chain.
func loadKey(path string) (ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("checkpoint key %s has mode %04o: it must be readable by its owner only (chmod 600 %s)", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s cannot be read: %w", path, err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("checkpoint key %s is not a PEM \"PRIVATE KEY\" (as warroom writes it)", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	ed, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("checkpoint key %s is not an Ed25519 key", path)
	}
	return ed, nil
}

// loadOrCreateKey loads the key, creating it (mode 0600) on first start. It never creates
// one when the database already holds signed checkpoints: a new key over an existing chain
// would silently replace the one its checkpoints were signed with.
func loadOrCreateKey(ctx context.Context, path string, db *storage.DB) (ed25519.PrivateKey, error) {
	k, err := loadKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	if n, cerr := db.CountCheckpoints(); cerr != nil {
		return nil, cerr
	} else if n > 0 {
		return nil, fmt.Errorf("checkpoint key %s is missing but the database holds %d signed checkpoints: restore the key (or point --key / WARROOM_KEY at it); warroom will not create a new one over an existing chain", path, n)
	}
	_, k, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s cannot be created: %w", path, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	return k, nil
}

// publicKeyFor is the public key verify checks signatures with: --pubkey (a line or a file
// holding it), else the key file's, else none (signatures then go unchecked, and verify
// says so).
func (m *Main) publicKeyFor(o *options) (ed25519.PublicKey, error) {
	if o.pubkey != "" {
		s := o.pubkey
		if b, err := os.ReadFile(o.pubkey); err == nil {
			s = string(b)
		}
		return bot.ParsePublicKey(s)
	}
	k, err := loadKey(m.keyPath(o))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}

// key prints the public key: ed25519:<base64>.
func (m *Main) key(ctx context.Context, o *options) int {
	db, err := storage.Open(ctx, o.db)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	path := m.keyPath(o)
	if db.IsPostgres() {
		if path, err = m.pgKeyPath(o, true); err != nil {
			return m.fail("%v", err)
		}
	}
	k, err := loadOrCreateKey(ctx, path, db)
	if err != nil {
		return m.fail("%v", err)
	}
	fmt.Fprintln(m.Stdout, bot.FormatPublicKey(k.Public().(ed25519.PublicKey)))
	return exitOK
}

// checkpointLog appends each checkpoint as one JSON line to --checkpoint-log.
type checkpointLog struct {
	mu   sync.Mutex
	path string
	log  interface{ Error(string, ...any) }
}

func (l *checkpointLog) append(c bot.Checkpoint) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err == nil {
		_, err = f.WriteString(c.Line() + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		l.log.Error("checkpoint log", "path", l.path, "err", err)
	}
}
