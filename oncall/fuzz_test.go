package oncall

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

var fuzzZones = []string{"", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia",
	"Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Europe/London"}

// FuzzOnCall: for any instant and any valid two-layer schedule, OnCall does not
// panic, returns a member of the layer it names (or the override's person), a
// shift covering the instant, and the member after it when that layer hands
// off to itself.
func FuzzOnCall(f *testing.F) {
	f.Add(int64(1774771200), uint32(0), uint8(2), uint16(168), uint16(540), uint8(1), uint16(13153), int32(3600), uint16(48))
	f.Add(int64(1792886400), uint32(5), uint8(3), uint16(24), uint16(150), uint8(1), uint16(13200), int32(-7200), uint16(0))
	f.Add(int64(1325203200), uint32(0), uint8(5), uint16(24), uint16(540), uint8(4), uint16(7900), int32(0), uint16(24))
	f.Add(int64(0), uint32(0), uint8(1), uint16(12), uint16(0), uint8(0), uint16(0), int32(0), uint16(1))
	f.Add(int64(math.MaxInt64), uint32(999999999), uint8(7), uint16(36), uint16(1439), uint8(3), uint16(65535), int32(math.MaxInt32), uint16(65535))
	f.Add(int64(math.MinInt64), uint32(0), uint8(7), uint16(72), uint16(30), uint8(7), uint16(1), int32(math.MinInt32), uint16(3))
	f.Add(int64(253402300800), uint32(0), uint8(2), uint16(24), uint16(0), uint8(2), uint16(1000), int32(0), uint16(0))
	f.Fuzz(func(t *testing.T, sec int64, nsec uint32, nMembers uint8, lengthHours uint16, handoffMin uint16,
		zone uint8, startDays uint16, ovOffset int32, ovHours uint16) {
		n := int(nMembers)%7 + 1
		members := make([]string, n)
		for i := range members {
			members[i] = fmt.Sprintf("m%d", i)
		}
		hm := int(handoffMin) % 1440
		start := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(startDays)%25000)
		top := Rotation{Name: "top", Members: members, Length: duration.Duration(time.Duration(int(lengthHours)%2000+1) * time.Hour),
			Handoff: fmt.Sprintf("%02d:%02d", hm/60, hm%60), Start: Date{start.Year(), start.Month(), start.Day()},
			Timezone: fuzzZones[int(zone)%len(fuzzZones)]}
		base := Rotation{Name: "base", Members: []string{"b0", "b1"}, Length: dur("1d"), Handoff: "09:00",
			Start: date("2000-01-01"), Timezone: "Europe/Berlin"}
		cfg := Config{Teams: map[string]Team{"t": {Rotations: []Rotation{top, base}}}}
		if errs := cfg.Validate(nil); errs != nil {
			t.Fatalf("invalid fuzz config: %v", errs)
		}
		at := time.Unix(sec, int64(nsec%1_000_000_000))
		if sec < -1e11 || sec > 1e11 {
			// Beyond about ±3,000 years nothing new happens: fold such instants into the
			// span the layers live in (1990–2100), so the fuzzer explores shifts rather than
			// the void before the first one. The seeds keep the extremes themselves.
			at = time.Unix(631152000+sec%3_500_000_000, at.UnixNano()%1e9)
		}
		var ovs []Override
		if ovHours > 0 {
			from := at.Add(time.Duration(ovOffset) * time.Second)
			ovs = []Override{{ID: 1, Team: "t", Person: "ov", From: from, Until: from.Add(time.Duration(ovHours) * time.Hour)}}
		}

		s, err := cfg.OnCall("t", at, ovs)
		if err != nil {
			if !errors.Is(err, ErrNobodyOnCall) {
				t.Fatalf("OnCall(%v): %v", at, err)
			}
			// Nobody on call is right only before both layers start and outside the override.
			lt, _ := compileLayer(top)
			lb, _ := compileLayer(base)
			if lt == nil || lb == nil || !at.Before(lt.first) || !at.Before(lb.first) || len(ovs) > 0 && ovs[0].Covers(at) {
				t.Fatalf("OnCall(%v): nobody on call, though top starts %v, base %v, override %v", at, lt.first, lb.first, ovs)
			}
			return
		}
		if s.From.After(at) || !s.Until.After(at) {
			t.Fatalf("OnCall(%v) = %v does not cover it", at, s)
		}
		switch s.Rotation {
		case RotationOverride:
			if s.Person != "ov" || len(ovs) == 0 || !ovs[0].Covers(at) {
				t.Fatalf("OnCall(%v) = %v: not the override", at, s)
			}
			return
		case "top":
			if !slices.Contains(members, s.Person) {
				t.Fatalf("OnCall(%v) = %v: not a member of top", at, s)
			}
		case "base":
			if !slices.Contains(base.Members, s.Person) {
				t.Fatalf("OnCall(%v) = %v: not a member of base", at, s)
			}
			if l, _ := compileLayer(top); l != nil && !at.Before(l.first) {
				t.Fatalf("OnCall(%v) = %v: top has started at %v", at, s, l.first)
			}
			return
		default:
			t.Fatalf("OnCall(%v) = %v: unknown rotation", at, s)
		}
		if max := top.Length.Std() + 3*time.Hour; s.Until.Sub(s.From) > max {
			t.Fatalf("OnCall(%v) = %v: longer than a shift", at, s)
		}
		// When top hands off to itself, the next member takes over.
		if next, err := cfg.OnCall("t", s.Until, ovs); err == nil && next.Rotation == "top" {
			i := slices.Index(members, s.Person)
			if want := members[(i+1)%n]; next.Person != want && next.From.Equal(s.Until) && s.Until.Sub(s.From) >= top.Length.Std()-3*time.Hour {
				t.Fatalf("after %v comes %v, want %s", s, next, want)
			}
		}
	})
}
