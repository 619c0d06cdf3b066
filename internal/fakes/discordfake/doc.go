// Package discordfake is an in-memory, stateful fake of the parts of the Discord REST API and
// gateway that warroom uses. It exists so the Discord adapter can be tested end-to-end with the
// real github.com/bwmarrin/discordgo client (v0.29.0), including rate limits, outages, slow REST
// calls and dropped gateway connections, without touching the network.
//
// Pointing a discordgo session at the fake:
//
//	fake := discordfake.New(t)                    // create the fake FIRST: cleanups run LIFO,
//	fake.AddGuild("100", "ops")                   // so the session closes before the fake does
//	s, _ := discordgo.New(fake.Authorization())   // "Bot <token>"; the fake answers 401 otherwise
//	s.Client = fake.Client()                      // rewrites https://discord.com/... to the fake
//	if err := s.Open(); err != nil { ... }        // GET /api/v9/gateway returns the fake's ws:// URL
//	t.Cleanup(func() { s.Close() })               // Close costs discordgo ~1 s (time.Sleep)
//
// Nothing else needs to be set. discordgo's package-level Endpoint* variables are left alone so
// parallel tests with several fakes are safe. s.Dialer can stay websocket.DefaultDialer: the
// gateway URL the fake hands out is already ws://127.0.0.1:PORT/gateway, and DefaultDialer's
// ProxyFromEnvironment never proxies loopback. If the fake closes while a session is still
// open, discordgo reconnects forever (ShouldReconnectOnError): close sessions first.
//
// Behaviour worth knowing when writing tests:
//
//   - Faults are checked before any state is touched, so a request that fails (429, outage,
//     FailNext, client gave up during a Slow delay) never mutates state: "delivered exactly
//     once" can be asserted by counting Messages after retries.
//   - Permissions are enforced like Discord: the bot has DefaultBotPermissions (no
//     Administrator), so a private channel that does not allow the bot answers 403 50001.
//     WithBotPermissions(PermAdministrator) switches the checks off. Interaction replies and
//     follow-ups need no permissions, as on Discord.
//   - Gateway dispatches are filtered by the identify intents, and guild MESSAGE_CREATE content
//     is blanked without the privileged MESSAGE_CONTENT intent (discordgo's default intents lack
//     it) unless the bot is mentioned.
//   - Events dispatched while the bot is disconnected are replayed on resume exactly once;
//     events dispatched while no session exists (before the first identify, or after the
//     session ended) are delivered after the next READY.
//   - Text channel names are normalized (lower case, spaces to "-"), REST message objects carry
//     no guild_id, and a full category answers 400 50035 CHANNEL_PARENT_MAX_CHANNELS while a
//     full guild answers 400 30013, all as on Discord.
//   - REST mutations dispatch nothing unless WithEchoEvents(true).
//
// Everything the fake records is guarded by one mutex (REST and seed state) plus one for the
// gateway (taken after the first, never before); every accessor returns deep copies so tests
// never race with handlers. Use WaitFor instead of sleeps.
package discordfake
