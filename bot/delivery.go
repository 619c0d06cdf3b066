package bot

import "context"

// Exactly once when an answer is lost. A platform may apply a call and lose its answer (a
// timeout, a 5xx from a proxy, a dropped connection); the deliverer then cannot tell whether
// the message exists. So it tells the adapter which outbox row a call delivers, and whether
// an earlier attempt may already have landed, and the adapter finds out before it calls
// again: Slack messages carry the row's id as message metadata and are looked up in the
// channel's history; Discord messages carry it as an enforced nonce, which Discord itself
// deduplicates; a channel created by a lost call is recognised and adopted.

// Delivery identifies the outbox operation a platform call delivers.
type Delivery struct {
	// Key is unique per outbox row and the same on every attempt ("17").
	Key string
	// MaybeDone is set when an earlier attempt may have been applied by the platform: it
	// failed without a definite refusal, or it was under way when the process stopped.
	MaybeDone bool
}

type deliveryKey struct{}

// WithDelivery returns ctx carrying d for the adapter.
func WithDelivery(ctx context.Context, d Delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}

// DeliveryFrom is the delivery ctx carries (the zero Delivery outside the outbox: no key,
// nothing to look up).
func DeliveryFrom(ctx context.Context) Delivery {
	d, _ := ctx.Value(deliveryKey{}).(Delivery)
	return d
}
