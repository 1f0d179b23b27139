package compare

// feeders returns the sources that may feed the cell k: those declared for
// its tier (every page feeds every cell it states), and those whose rules
// name the tier for the attribute. sensitive-data, derived from a tier's
// other values, is fed by every source of the tier.
func (in Input) feeders(k key) []string {
	var out []string
	for _, s := range in.Vendor.Sources {
		for _, t := range s.Tiers {
			if t == k.tier {
				out = append(out, s.ID)
				break
			}
		}
	}
	for _, r := range in.Vendor.Rules {
		for _, t := range r.Tiers {
			if t == k.tier && (r.Attribute == k.attribute || k.attribute == "sensitive-data") {
				out = append(out, r.Source)
			}
		}
	}
	return out
}

// settled reports whether every feeder of k has been read (this version
// counts).
func (in Input) settled(k key) bool {
	if in.ReadBefore == nil {
		return true
	}
	for _, f := range in.feeders(k) {
		if f != in.Source.ID && !in.ReadBefore[f] {
			return false
		}
	}
	return true
}

// justSettled reports whether this version, the first read of its source,
// completes the cell k.
func (in Input) justSettled(k key) bool {
	if in.ReadBefore == nil || in.ReadBefore[in.Source.ID] {
		return false
	}
	mine := false
	for _, f := range in.feeders(k) {
		if f == in.Source.ID {
			mine = true
		}
	}
	return mine && in.settled(k)
}
