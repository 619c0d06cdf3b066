package commands

import (
	"errors"

	"github.com/warroom/warroom/bot"
)

// userError is a refusal or a usage problem: its text goes back to the person as is, and
// the transaction is rolled back.
type userError struct {
	msg       bot.Text
	forbidden bool // refused by the policy (policy_check.go)
}

func (e *userError) Error() string { return e.msg.String() }

// refuse is a refusal; format is warroom's own words (bot.Textf).
func refuse(format string, args ...any) error { return &userError{msg: bot.Textf(format, args...)} }

// refusal is the text of a refusal, for the person who was refused.
func refusal(err error) bot.Text {
	var u *userError
	if errors.As(err, &u) {
		return u.msg
	}
	return bot.Plain(err.Error())
}

func isUserError(err error) bool {
	var u *userError
	return errors.As(err, &u)
}

func isNotFound(err error) bool { return errors.Is(err, bot.ErrNotFound) }
