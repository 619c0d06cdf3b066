package discord

import "github.com/bwmarrin/discordgo"

// PermissionPinMessages is Discord's separate "Pin Messages" permission (bit 51, 2026);
// discordgo v0.29 predates it. Before it, Manage Messages covered pinning.
const PermissionPinMessages int64 = 1 << 51

// botChannelAllow is the bot's own overwrite on an incident channel: enough to keep working
// in a channel @everyone cannot see. Manage Permissions (the Manage Roles bit on a channel)
// lets it add and remove responders; Manage Messages lets it pin the incident card. A bot can
// only grant what it has, so every bit here is also in RequiredPermissions.
const botChannelAllow = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionManageChannels | discordgo.PermissionManageRoles | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAttachFiles | discordgo.PermissionEmbedLinks | discordgo.PermissionAddReactions |
	discordgo.PermissionManageMessages

// memberAllow is a responder's overwrite: see the channel, read its history, talk, attach
// evidence and react (📌 adds a message to the timeline).
const memberAllow = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionAttachFiles | discordgo.PermissionEmbedLinks |
	discordgo.PermissionAddReactions

// RequiredPermissions is the permissions integer of the bot's invite link
// (docs/discord/README.md explains each bit).
const RequiredPermissions = botChannelAllow | PermissionPinMessages
