package random

// QuotaRule returns the quota rule of a stratum with the given values of
// the plan's stratify attributes (protocol §5: the first rule whose
// match holds), and false when no rule matches (the stratum's quota is
// then 0 and the view says "no_quota_rule"). values must have one entry
// per stratify attribute. A reader with only the plan and a draw's view
// uses it to check each stratum's quota against its eligible count.
func (p *Plan) QuotaRule(values []string) (Quota, bool) {
	if len(values) != len(p.Stratify) {
		return Quota{}, false
	}
	if i := p.quotaRule(values); i >= 0 {
		return p.Quotas[i], true
	}
	return Quota{}, false
}
