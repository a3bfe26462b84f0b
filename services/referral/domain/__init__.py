"""The referral service's rules, and nothing else: pure, no I/O (DESIGN D6).

- ``submission``: what a referral must contain, checked field by field at the edge;
- ``commands``: what partners and victims ask of the service;
- ``state``: a referral's history folded into what the rules need;
- ``decide``: each command against that state, giving events or a rule's error;
- ``duplicates``: when two referrals are probably about the same victim and offence;
- ``errors``: every refusal, named by its rule.
"""
