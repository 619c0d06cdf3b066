package discord

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// A refused login is explained by the gateway's close code, read from the close frame, not
// found in an error's words: an address with 4004 in it is no refused token.
func TestLoginErrorReadsTheCloseCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&websocket.CloseError{Code: 4004, Text: "Authentication failed."}, "refused the bot token (close 4004)"},
		{fmt.Errorf("gateway: %w", &websocket.CloseError{Code: 4014, Text: "Disallowed intent(s)."}), "privileged intent is not enabled (close 4014)"},
		{errors.New("dial tcp 10.0.0.9:4004: connect: connection refused"), "could not connect to the gateway"},
		{errors.New("error sending identify packet to gateway, wss://10.0.0.9:4014/, EOF"), "could not connect to the gateway"},
	} {
		if got := loginError(tc.err).Error(); !strings.Contains(got, tc.want) {
			t.Errorf("loginError(%v) = %q, want it to say %q", tc.err, got, tc.want)
		}
	}
}
