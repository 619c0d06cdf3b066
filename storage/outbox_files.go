package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
)

// Upload bytes kept apart from their outbox row. The close's report of a 100,000-entry
// incident is 13.5 MB; queued in its outbox row it was 18 MB of base64 JSON written in the
// one transaction that also cancelled the close's timer, and every command waited for
// that write. StoreFile writes the bytes first, in parts of filePart bytes each in its own
// short transaction (another command commits between any two), and the outbox row that is
// queued afterwards carries only the file's id (bot.File.Stored). The row's transaction
// takes the file (outbox_files.outbox), and only a file whose parts are all there: until
// then nothing refers to it, so a crash between parts leaves nothing that can be
// delivered, and Prune removes a file nobody took within fileOrphanAge. A taken file goes
// with its row (ON DELETE CASCADE). The deliverer reads the bytes when it uploads
// (StoredFile), not at every look at the lanes' heads.

const (
	// filePart is the size of one part: a few milliseconds of writing.
	filePart = 256 << 10
	// fileOrphanAge is how long a file nobody took is kept: far longer than writing one.
	fileOrphanAge = time.Hour
)

var errFileNotWhole = errors.New("the upload's file is not all there, or another operation took it")

// afterFilePart, when set (tests), is called after each part's transaction has committed.
var afterFilePart atomic.Pointer[func(part int)]

// StoreFile keeps data for an upload queued later with File.Stored set to the id it
// returns. On failure it removes what it wrote, as far as it can.
func (db *DB) StoreFile(ctx context.Context, data []byte, at time.Time) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.row(`INSERT INTO outbox_files (size, created_at) VALUES (?, ?) RETURNING id`, len(data), ts(at)).Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	for part, chunk := range fileParts(data) {
		err := db.Update(ctx, func(tx *Tx) error { return tx.insertPart(id, part, chunk) })
		if err != nil {
			_ = db.DropFile(context.WithoutCancel(ctx), id)
			return 0, err
		}
		if f := afterFilePart.Load(); f != nil {
			(*f)(part)
		}
	}
	return id, nil
}

// DropFile removes a file no operation took (a queueing that did not happen); a taken one
// is left to its row.
func (db *DB) DropFile(ctx context.Context, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM outbox_files WHERE id = ? AND outbox IS NULL`, id)
		return err
	})
}

// takeFile gives file id to outbox row op, if all its parts are there and no other row
// has it.
func (t *Tx) takeFile(id, op int64) error {
	res, err := t.exec(`UPDATE outbox_files SET outbox = ? WHERE id = ? AND outbox IS NULL
		AND size = (SELECT COALESCE(SUM(length(data)), 0) FROM outbox_file_parts WHERE file = ?)`, op, id, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(errFileNotWhole, err)
	}
	return nil
}

// StoredFile reads a file's bytes back, for the deliverer's upload.
func (db *DB) StoredFile(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := db.View(ctx, func(tx *Tx) (err error) { data, err = tx.fileData(id); return err })
	return data, err
}

// fileData reads a file's parts in order; ErrNotFound if there is no such file.
func (t *Tx) fileData(id int64) ([]byte, error) {
	var size int64
	if err := t.row(`SELECT size FROM outbox_files WHERE id = ?`, id).Scan(&size); errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT data FROM outbox_file_parts WHERE file = ? ORDER BY part`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	buf := bytes.NewBuffer(make([]byte, 0, size))
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		buf.Write(part)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(buf.Len()) != size {
		return nil, errFileNotWhole
	}
	return buf.Bytes(), nil
}

// fileParts cuts data into the parts it is stored in, filePart bytes each.
func fileParts(data []byte) [][]byte {
	var parts [][]byte
	for off := 0; off < len(data); off += filePart {
		parts = append(parts, data[off:min(len(data), off+filePart)])
	}
	return parts
}

// insertPart writes part number part of file id.
func (t *Tx) insertPart(id int64, part int, chunk []byte) error {
	_, err := t.exec(`INSERT INTO outbox_file_parts (file, part, data) VALUES (?, ?, ?)`, id, part, chunk)
	return err
}

// setFileData replaces a file's bytes (a redaction), in this transaction.
func (t *Tx) setFileData(id int64, data []byte) error {
	if _, err := t.exec(`DELETE FROM outbox_file_parts WHERE file = ?`, id); err != nil {
		return err
	}
	for part, chunk := range fileParts(data) {
		if err := t.insertPart(id, part, chunk); err != nil {
			return err
		}
	}
	_, err := t.exec(`UPDATE outbox_files SET size = ? WHERE id = ?`, len(data), id)
	return err
}

// pruneFiles removes the files nobody took that are older than fileOrphanAge.
func (t *Tx) pruneFiles(now time.Time) (int64, error) {
	r, err := t.exec(`DELETE FROM outbox_files WHERE outbox IS NULL AND created_at < ?`, ts(now.Add(-fileOrphanAge)))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// scrubFiles replaces the secrets in every kept file (taken or not: a report may be written
// before its row is queued); it counts the rows whose file changed in changed, and in
// out.Uploaded those delivered already. A pending row whose file changed is marked as
// scrubbed for incident n (markScrubbed): the deliverer may have read the bytes already.
func (t *Tx) scrubFiles(n int64, secrets []string, reach func(int64) (bool, error), changed map[int64]bool, out *bot.Scrubbed) error {
	rows, err := t.query(`SELECT f.id, COALESCE(f.outbox, 0), COALESCE(o.state, ''), COALESCE(o.incident, 0) FROM outbox_files f LEFT JOIN outbox o ON o.id = f.outbox ORDER BY f.id`)
	if err != nil {
		return err
	}
	type file struct {
		id, op, incident int64
		state            string
	}
	var files []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.op, &f.state, &f.incident); err != nil {
			rows.Close()
			return err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range files {
		if ok, err := reach(f.incident); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // another incident's report, out of this redaction's reach
		}
		holds, whole, err := t.fileHolds(f.id, secrets)
		if err != nil {
			return err
		}
		if !whole && f.op == 0 {
			// Its parts are still being written, and those yet to come cannot be scrubbed
			// here: it goes, and its writer's next part or queueing fails.
			if _, err := t.exec(`DELETE FROM outbox_files WHERE id = ?`, f.id); err != nil {
				return err
			}
			continue
		}
		if !holds {
			continue
		}
		if whole {
			data, err := t.fileData(f.id)
			if err != nil {
				return err
			}
			p := bot.Payload{File: &bot.File{Data: data}}
			scrubPayload(&p, secrets)
			if err := t.setFileData(f.id, p.File.Data); err != nil {
				return err
			}
		} else if _, err := t.exec(`DELETE FROM outbox_files WHERE id = ?`, f.id); err != nil {
			// A taken file that is not whole (a part lost, or edited) can never be
			// delivered whole: it goes, and its row's upload fails as gone.
			return err
		}
		if f.op != 0 && !changed[f.op] {
			changed[f.op] = true
			if f.state == "done" {
				out.Uploaded = append(out.Uploaded, f.op)
			}
			// Marked whole or not: a deliverer holding bytes read before this sees it at
			// its last check (AsRead) or its completion (afterScrub).
			if f.state == "pending" {
				if err := t.markRowScrubbed(f.op, n); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fileHolds says whether any secret is in file id's parts — within a part or across the
// boundary between two — and whether they add up to the file's size, without reading the
// parts into the process: the database matches each part, and hands back only the few
// bytes at each end of it for the boundaries. A redaction looks at every kept file inside
// the writer's transaction, and a close's report is up to ~13.5 MB.
func (t *Tx) fileHolds(id int64, secrets []string) (holds, whole bool, err error) {
	var size int64
	if err := t.row(`SELECT size FROM outbox_files WHERE id = ?`, id).Scan(&size); err != nil {
		return false, false, err
	}
	k := 0 // a secret across a boundary has at most k bytes on either side of it
	for _, s := range secrets {
		k = max(k, len(s)-1)
	}
	k = max(k, 1)
	match, args := make([]string, len(secrets)), make([]any, 0, len(secrets)+3)
	for i, s := range secrets {
		match[i] = `instr(data, ?) > 0`
		if t.pg {
			match[i] = `position(?::bytea in data) > 0`
		}
		args = append(args, []byte(s))
	}
	ends := `substr(data, 1, ?), substr(data, -?)`
	if t.pg {
		ends = `substring(data from 1 for ?), substring(data from greatest(length(data) - ? + 1, 1))`
	}
	q := `SELECT length(data), ` + strings.Join(match, ` OR `) + `, ` + ends + ` FROM outbox_file_parts WHERE file = ? ORDER BY part`
	rows, err := t.query(q, append(args, k, k, id)...)
	if err != nil {
		return false, false, err
	}
	defer rows.Close()
	var total int64
	var carry, window []byte // the last k bytes before this part; them with its first k
	for rows.Next() {
		var n int64
		var in bool
		var head, tail []byte
		if err := rows.Scan(&n, &in, &head, &tail); err != nil {
			return false, false, err
		}
		total += n
		window = append(append(window[:0], carry...), head...)
		for _, s := range secrets {
			in = in || bytes.Contains(window, []byte(s))
		}
		holds = holds || in
		if int64(len(tail)) < int64(k) {
			tail = append(carry, tail...) // a part shorter than k: the bytes before it count too
		}
		carry = append(carry[:0:0], tail[max(0, len(tail)-k):]...)
	}
	if err := rows.Err(); err != nil {
		return false, false, err
	}
	return holds, total == size, nil
}

// markRowScrubbed marks outbox row id's payload as scrubbed for incident n (markScrubbed):
// its file changed, which its own payload does not show.
func (t *Tx) markRowScrubbed(id, n int64) error {
	var raw string
	if err := t.row(`SELECT payload FROM outbox WHERE id = ?`, id).Scan(&raw); err != nil {
		return err
	}
	var p bot.Payload
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return err
	}
	markScrubbed(&p, n)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE outbox SET payload = ? WHERE id = ?`, string(b), id)
	return err
}
