package discordfake

import (
	"strings"
)

// Route keys: "METHOD /template", the unit for RouteCount and for fault patterns. A fault
// pattern is "*", a full key, or a bare template (which then matches every method).
const (
	RouteGateway             = "GET /gateway"
	RouteGatewayBot          = "GET /gateway/bot"
	RouteGetMe               = "GET /users/@me"
	RouteGetUser             = "GET /users/{user_id}"
	RouteCreateDM            = "POST /users/@me/channels"
	RouteGetGuild            = "GET /guilds/{guild_id}"
	RouteGetMember           = "GET /guilds/{guild_id}/members/{user_id}"
	RouteListChannels        = "GET /guilds/{guild_id}/channels"
	RouteCreateChannel       = "POST /guilds/{guild_id}/channels"
	RouteGetChannel          = "GET /channels/{channel_id}"
	RouteEditChannel         = "PATCH /channels/{channel_id}"
	RouteDeleteChannel       = "DELETE /channels/{channel_id}"
	RoutePutPermission       = "PUT /channels/{channel_id}/permissions/{overwrite_id}"
	RouteDeletePermission    = "DELETE /channels/{channel_id}/permissions/{overwrite_id}"
	RouteListMessages        = "GET /channels/{channel_id}/messages"
	RouteCreateMessage       = "POST /channels/{channel_id}/messages"
	RouteGetMessage          = "GET /channels/{channel_id}/messages/{message_id}"
	RouteEditMessage         = "PATCH /channels/{channel_id}/messages/{message_id}"
	RouteDeleteMessage       = "DELETE /channels/{channel_id}/messages/{message_id}"
	RouteListPins            = "GET /channels/{channel_id}/pins"
	RoutePin                 = "PUT /channels/{channel_id}/pins/{message_id}"
	RouteUnpin               = "DELETE /channels/{channel_id}/pins/{message_id}"
	RouteAddReaction         = "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
	RouteListGlobalCommands  = "GET /applications/{application_id}/commands"
	RoutePutGlobalCommands   = "PUT /applications/{application_id}/commands"
	RouteCreateGlobalCommand = "POST /applications/{application_id}/commands"
	RouteListGuildCommands   = "GET /applications/{application_id}/guilds/{guild_id}/commands"
	RoutePutGuildCommands    = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
	RouteCreateGuildCommand  = "POST /applications/{application_id}/guilds/{guild_id}/commands"
	RouteInteractionCallback = "POST /interactions/{interaction_id}/{interaction_token}/callback"
	RouteFollowup            = "POST /webhooks/{application_id}/{interaction_token}"
	RouteGetWebhookMessage   = "GET /webhooks/{application_id}/{interaction_token}/messages/{message_id}"
	RouteEditWebhookMessage  = "PATCH /webhooks/{application_id}/{interaction_token}/messages/{message_id}"
	RouteDeleteWebhookMsg    = "DELETE /webhooks/{application_id}/{interaction_token}/messages/{message_id}"
)

type handler func(s *Server, rq *request) response

type route struct {
	key    string
	method string
	segs   []string
	// noAuth marks the interaction/webhook-token routes: Discord authenticates them by the token
	// in the path, not the Authorization header (discordgo sends the header anyway).
	noAuth bool
	h      handler
}

var routes []*route

func init() {
	add := func(key string, noAuth bool, h handler) {
		method, tmpl, _ := strings.Cut(key, " ")
		routes = append(routes, &route{key: key, method: method, segs: splitPath(tmpl), noAuth: noAuth, h: h})
	}
	add(RouteGateway, false, (*Server).hGateway)
	add(RouteGatewayBot, false, (*Server).hGatewayBot)
	add(RouteGetMe, false, (*Server).hGetMe)
	add(RouteGetUser, false, (*Server).hGetUser)
	add(RouteCreateDM, false, (*Server).hCreateDM)
	add(RouteGetGuild, false, (*Server).hGetGuild)
	add(RouteGetMember, false, (*Server).hGetMember)
	add(RouteListChannels, false, (*Server).hListChannels)
	add(RouteCreateChannel, false, (*Server).hCreateChannel)
	add(RouteGetChannel, false, (*Server).hGetChannel)
	add(RouteEditChannel, false, (*Server).hEditChannel)
	add(RouteDeleteChannel, false, (*Server).hDeleteChannel)
	add(RoutePutPermission, false, (*Server).hPutPermission)
	add(RouteDeletePermission, false, (*Server).hDeletePermission)
	add(RouteListMessages, false, (*Server).hListMessages)
	add(RouteCreateMessage, false, (*Server).hCreateMessage)
	add(RouteGetMessage, false, (*Server).hGetMessage)
	add(RouteEditMessage, false, (*Server).hEditMessage)
	add(RouteDeleteMessage, false, (*Server).hDeleteMessage)
	add(RouteListPins, false, (*Server).hListPins)
	add(RoutePin, false, (*Server).hPin)
	add(RouteUnpin, false, (*Server).hUnpin)
	add(RouteAddReaction, false, (*Server).hAddReaction)
	add(RouteListGlobalCommands, false, (*Server).hListCommands)
	add(RoutePutGlobalCommands, false, (*Server).hPutCommands)
	add(RouteCreateGlobalCommand, false, (*Server).hCreateCommand)
	add(RouteListGuildCommands, false, (*Server).hListCommands)
	add(RoutePutGuildCommands, false, (*Server).hPutCommands)
	add(RouteCreateGuildCommand, false, (*Server).hCreateCommand)
	add(RouteInteractionCallback, true, (*Server).hInteractionCallback)
	add(RouteFollowup, true, (*Server).hFollowup)
	add(RouteGetWebhookMessage, true, (*Server).hGetWebhookMessage)
	add(RouteEditWebhookMessage, true, (*Server).hEditWebhookMessage)
	add(RouteDeleteWebhookMsg, true, (*Server).hDeleteWebhookMessage)
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

// matchRoute finds the route for method+path (path without the /api/vN prefix). When several
// templates fit, the one with most literal segments wins, so "/users/@me" beats
// "/users/{user_id}".
func matchRoute(method, path string) (*route, map[string]string) {
	segs := splitPath(path)
	var best *route
	bestLit := -1
	for _, rt := range routes {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		lit, ok := 0, true
		for i, t := range rt.segs {
			if strings.HasPrefix(t, "{") {
				continue
			}
			if t != segs[i] {
				ok = false
				break
			}
			lit++
		}
		if ok && lit > bestLit {
			best, bestLit = rt, lit
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, t := range best.segs {
		if strings.HasPrefix(t, "{") {
			params[strings.Trim(t, "{}")] = segs[i]
		}
	}
	return best, params
}

// patternMatches reports whether a fault pattern applies to a route key.
func patternMatches(pattern, key string) bool {
	if pattern == "*" || pattern == key {
		return true
	}
	_, tmpl, _ := strings.Cut(key, " ")
	return pattern == tmpl
}

// mustValidPattern panics on a pattern that matches no route: a typo in a test's fault setup
// would otherwise silently never fire.
func mustValidPattern(pattern string) {
	for _, rt := range routes {
		if patternMatches(pattern, rt.key) {
			return
		}
	}
	panic("discordfake: fault pattern " + pattern + " matches no route; use a Route* constant, its template, or \"*\"")
}
