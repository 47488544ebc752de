"""A compact finance-news lexicon written for Tetra (not derived from any published list).

Words are lower-case surface forms as they appear in headlines and summaries; inflections
are listed explicitly instead of stemming, so matching stays a plain set lookup.
`UNCERTAINTY` words are neither positive nor negative: they are kept for a later measure
of hedging and do not move the polarity score.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSITIVE = _words(
    """
    beat beats beating outperform outperforms outperformed outperforming
    surge surges surged surging soar soars soared soaring rally rallies rallied rallying
    jump jumps jumped jumping climb climbs climbed climbing rise rises rising rose
    gain gains gained gaining advance advances advanced rebound rebounds rebounded
    recover recovers recovered recovery record-high strong stronger strongest strength
    robust solid healthy resilient upbeat optimistic optimism bullish confident confidence
    profit profits profitable profitability growth grow grows grew growing expand expands
    expanded expansion accelerate accelerates accelerated acceleration boom booming
    upgrade upgrades upgraded raise raises raised hike hikes hiked boost boosts boosted
    exceed exceeds exceeded exceeding top tops topped surpass surpasses surpassed
    win wins won winning award awarded approval approve approves approved breakthrough
    innovative innovation success successful succeed succeeds succeeded achieve achieved
    milestone momentum demand upside tailwind tailwinds improve improves improved
    improvement improving efficient efficiency dividend buyback buybacks repurchase
    partnership partnerships deal deals acquire acquires acquired synergy synergies
    favorable favourable positive positively attractive opportunity opportunities
    outperformance overweight buy reaffirm reaffirms reaffirmed reiterate reiterated
    stable stabilize stabilized stabilizes strengthen strengthens strengthened
    lucrative premium leading leader leadership dominant dominance launch launches
    launched milestone milestones record records rewarding reward rewards upgradeable
    thrive thrives thrived thriving benefit benefits benefited benefiting
    """
)

NEGATIVE = _words(
    """
    miss misses missed missing underperform underperforms underperformed underperforming
    plunge plunges plunged plunging plummet plummets plummeted plummeting tumble tumbles
    tumbled tumbling sink sinks sank sinking slump slumps slumped slumping slide slides
    slid sliding drop drops dropped dropping fall falls fell falling decline declines
    declined declining crash crashes crashed crashing selloff sell-off slip slips slipped
    weak weaker weakest weakness soft softer sluggish slowdown slowing slow slows slowed
    loss losses lose loses losing lost deficit unprofitable shortfall bearish pessimistic
    pessimism downgrade downgrades downgraded cut cuts cutting slash slashes slashed
    lower lowers lowered lowering warn warns warned warning warnings profit-warning
    lawsuit lawsuits sue sues sued litigation probe probes investigation investigations
    fraud scandal penalty penalties fine fined fines violation violations breach breached
    recall recalls recalled halt halts halted suspend suspends suspended suspension
    bankruptcy bankrupt insolvency insolvent default defaults defaulted delinquent
    layoff layoffs fire fired firing restructuring impairment writedown write-down
    writeoff write-off downturn recession crisis turmoil disruption disruptions
    headwind headwinds risk risks threat threats concern concerns worry worries worried
    fear fears feared disappoint disappoints disappointed disappointing disappointment
    fail fails failed failing failure failures reject rejects rejected rejection
    negative negatively adverse adversely unfavorable unfavourable downside underweight
    sell dilution dilutive delay delays delayed shortage shortages volatile volatility
    investigate investigated subpoena antitrust sanction sanctions tariff tariffs
    struggle struggles struggled struggling collapse collapses collapsed collapsing
    """
)

UNCERTAINTY = _words(
    """
    may might could possibly perhaps uncertain uncertainty uncertainties unclear
    unpredictable volatile speculative speculation rumor rumors rumour rumours
    approximately roughly expect expects expected anticipate anticipates anticipated
    estimate estimates estimated predict predicts predicted forecast forecasts
    pending tentative tentatively preliminary unknown depend depends depending
    contingent assume assumes assumption assumptions doubt doubts doubtful
    """
)

NEGATORS = _words(
    "not no never neither nor without hardly barely isn't wasn't didn't doesn't won't can't"
)
