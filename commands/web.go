package commands

import (
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/web/webauth"
)

// verbWeb sends the caller a one-time sign-in link to the web view. The link goes by
// direct message, never into a channel: whoever holds it signs in as the caller. Only its
// hash is stored; it expires after webauth.LinkTTL and works once.
var verbWeb = &Verb{
	Name: "web", Scope: Anywhere,
	Summary: "get a sign-in link to the web view by direct message (valid 10 minutes, once)",
	Run: func(c *call) error {
		if c.rest != "" {
			return c.usage()
		}
		if c.e.webURL == "" {
			return refuse("The web view is not enabled here: warroom must run with --web-addr (and --web-url).")
		}
		if _, ok := c.e.cfg.PlatformID(c.src.Platform, c.who); !ok {
			return refuse("warroom cannot send you a direct message on %s, so it cannot send you a sign-in link; ask an administrator to run `warroom web-login %s`.", c.src.Platform, c.who)
		}
		token, hash := webauth.NewToken()
		if err := c.tx.CreateWebToken(hash, c.who, c.now, c.now.Add(webauth.LinkTTL)); err != nil {
			return err
		}
		link := webauth.LoginURL(c.e.webURL, token)
		// Secret: the outbox forgets the link once it is delivered.
		if err := c.secretDM(c.who, bot.Message{Text: bot.Textf("Your sign-in link to the warroom web view (valid 10 minutes, works once; do not share it): %s", bot.Link(link, ""))}); err != nil {
			return err
		}
		c.say("I sent you a sign-in link to the web view by direct message. It works once, within 10 minutes.")
		return nil
	},
}
