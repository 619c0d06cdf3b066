package commands

import (
	"reflect"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A mention made with the platform's own syntax stays a mention when warroom quotes what a
// person wrote; warroom's old markers and other platforms' syntax stay words.
func TestWordsKeepPlatformMentions(t *testing.T) {
	for _, tc := range []struct {
		platform, in string
		want         bot.Text
	}{
		{"slack", "ask <@U0BOB> and <@W0X1>, not slack:U0CAROL or <@nobody> or <@80351110224678912>",
			bot.Text{{Kind: bot.SegText, Text: "ask "}, bot.Who("slack:U0BOB"), {Kind: bot.SegText, Text: " and "}, bot.Who("slack:W0X1"),
				{Kind: bot.SegText, Text: ", not slack:U0CAROL or <@nobody> or <@80351110224678912>"}}},
		{"discord", "ask <@80351110224678912> and <@!80351110224678913> not <@U0BOB> <t:1:f> <@",
			bot.Text{{Kind: bot.SegText, Text: "ask "}, bot.Who("discord:80351110224678912"), {Kind: bot.SegText, Text: " and "},
				bot.Who("discord:80351110224678913"), {Kind: bot.SegText, Text: " not <@U0BOB> <t:1:f> <@"}}},
		{"console", "ask <@bob>", bot.Plain("ask <@bob>")},
	} {
		c := &call{src: bot.Source{Platform: tc.platform}}
		if got := c.words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: words(%q)\n got %#v\nwant %#v", tc.platform, tc.in, got, tc.want)
		}
	}
}
