"""Word lists for turn analysis, grouped by what they recognise, so the rules in `analysis` stay readable.

Every pattern is matched case-insensitively against one sentence of a turn (apostrophes normalised to '), through
`regex_tools.rx`. A pattern is one thing the reader checks; where one check covers several ways of saying the same
thing, its alternatives are grouped under comments naming each way. Sections follow the reader: questions and
their people, our urgency, alternatives, power and deference, substance, process.
"""

from __future__ import annotations

from trainer.domain.acts import ActKind, ProcessAspect
from trainer.reader.regex_tools import AnyOf, Folded, rx

# Shared fragments: a first-person word, and our side's possessive.
WE = r"(?:we|i|we're|i'm|we've|i've|we'd|i'd|we'll|i'll|us|me|our|my)"
OUR = r"(?:our|my)"

# --- questions ------------------------------------------------------------------------------------------------
# A sentence that asks, by its opening words (punctuation is checked separately).
QUESTION_START = rx(
    r"^\s*(?:what|who|whom|whose|why|how|which|when|where|is|are|do|does|did|can|could|would|will|should|"
    r"have|has|may|might|shall)\b",
    r"\b(?:help me understand|tell me (?:more )?about|walk me through|i'm curious|i'd love to (?:know|understand)|"
    r"i wonder|can you share|could you share)\b",
)

# What a question surfaces; the first kind that matches wins.
QUESTION_KINDS: list[tuple[ActKind, Folded]] = [
    (
        ActKind.question_stakeholders,
        rx(
            r"\bwho(?:'s| is| else| would| will| needs| has| gets| makes| must|se)\b.{0,40}\b(?:sign|approv|decid|involv|"
            r"final|say|call|table|input|weigh|affect|own|responsib|budget|use|live with|consult|on board|need)",
            r"\bsign[- ]?off\b|\bsigns off\b|\bapprov(?:al|e|es|ing)\b|\bdecision[- ]?makers?\b|\bstakeholders?\b",
            r"\b(?:your|the) (?:cfo|ceo|coo|cto|(?<!across the )(?<!on )(?<!above )board|committee|ic|investment committee|legal|lawyers?|procurement|"
            r"operations|ops|finance|engineering|plant|business unit|users?|team|boss|manager|partners?|"
            r"colleagues?|leadership|management|hr|it|quality|head of [a-z]+)\b",
            r"\binternally\b|\bin your organi[sz]ation\b|\bwho else\b|\bwho on your side\b",
            r"\b(?:anyone|someone|people|who) (?:else )?(?:on your side|in your team|internally)\b",
        ),
    ),
    (
        ActKind.question_alternatives,
        rx(
            r"\bwhat (?:would|will|happens|do) (?:you|your team) (?:do|if)\b",
            r"\b(?:other|alternative|another|different|backup|new) (?:suppliers?|vendors?|providers?|options?|"
            r"candidates?|bidders?|buyers?|partners?|sources?|firms?|agenc(?:y|ies))\b",
            r"\balternatives?\b|\bplan b\b|\bin-house\b|\bwithout us\b|\bswitch(?:ing)?\b|\breplace us\b",
        ),
    ),
    (
        ActKind.question_constraints,
        rx(
            r"\bwhat(?:'s| is| are) (?:driving|behind|pushing|the pressure|the constraint|the limit)",
            r"\bconstraints?\b|\bbudget\b|\bdeadline\b|\btimeline\b|\bpressure\b|\blimits?\b|\bcap\b",
            r"\bwhat are you up against\b|\bwhat(?:'s| is) (?:making|stopping|preventing)\b|\bwhat (?:do|would) you need\b",
            r"\bwhat would (?:it|you) take\b|\bwhat can(?:'t| not) you\b|\bflexib",
        ),
    ),
    (
        ActKind.question_process,
        rx(
            r"\bagenda\b|\bnext steps?\b|\bprocess\b|\bwho (?:drafts|will draft|writes)\b|\bhow (?:should|shall|do) we "
            r"(?:proceed|structure|run|organi[sz]e|sequence)",
            r"\bcadence\b|\bhow often\b",
        ),
    ),
    (
        ActKind.question_interests,
        rx(
            r"\bwhy\b|\bwhat matters\b|\bmost important\b|\bpriorit|\bconcern|\bworr(?:y|ied|ies)\b|\bgoals?\b",
            r"\bwhat (?:are|is) you (?:trying|hoping|looking)\b|\bwhat would (?:make|help|success)\b|\bsuccess look",
            r"\binterests?\b|\bneeds?\b|\bhelp me understand\b|\bwhat(?:'s| is) important\b|\bkeep you up\b",
        ),
    ),
]

# --- their people: who else sits on their side -------------------------------------------------------------------
# Titles, functions and bodies on their side ('your CFO', 'the investment committee', 'the buying team').
STAKEHOLDER_NOUN = (
    r"(?:cfo|ceo|coo|cto|cio|cmo|cpo|vp|vps|svp|evp|md|chief [a-z]+ officer|finance director|managing director|"
    r"(?:sporting|commercial|technical|creative|finance|development|programme|program|regional|category|sales|"
    r"marketing|purchasing|procurement|medical|clinical|site|plant|project|account|hr|it|security|risk|credit) "
    r"(?:director|manager|head|lead|team|group|people|managers|committee|ops|operations|officer|department|panel)s?|"
    r"directors?|(?<!across the )(?<!on )(?<!above )board|committee|ic|steering (?:group|committee)|partners? meeting|partners|leadership|"
    r"management team|senior management|exec(?:utive)?s?(?: team)?|procurement|purchasing|legal|counsel|attorneys?|"
    r"lawyers?|compliance|operations|ops|finance|treasury|hr|audit|engineering|engineers|reps|owners?|founders?|"
    r"(?:the|my|our) principal(?= (?:is|has|wants|will|would|needs|says|thinks|signs|decides)|[.,;?!])|boss|head of [a-z]+|[a-z]+ head|colleagues|department|council|trustees|union|works council|"
    r"investors|lps|shareholders|parent(?: company)?|head office|headquarters|hq|chair(?:man|woman|person)?|president|"
    r"dean|provost|superintendent|clinicians|physicians|doctors|nurses|users|developers|"
    r"corp dev|corporate development|panel|evaluation panel|selection committee|merchandising|"
    r"underwriting|actuaries|controllers?|comptroller|editors?|"
    r"editorial (?:board|team)|acquisitions (?:team|committee)|commissioning|"
    r"the group|my team|everyone else|others internally|(?:asset|property|portfolio|fund|store|line|hiring|"
    r"product|brand|category|account|programme|program|project|office|general|plant|site|regional|country) managers?|"
    r"(?:store|product|deal|leadership|legal|finance|ops|buying|category|clinical|regional|global|tech|security|data|risk|"
    r"sales|marketing|partnerships|replenishment|engineering|it|hr|compliance|quality|planning|merchandising|"
    r"development|investment|credit|medical|editorial|acquisitions|programming) (?:team|group|people|folks))"
)
STAKEHOLDER_MENTION = Folded(rf"\b{STAKEHOLDER_NOUN}\b")
# Generic actor nouns on their side (a named function or body), used for cues and probes.
ACTOR_GENERIC = rx(
    r"\b(?!(?:to|through|once|after|before|for|of|in|on|at|with|by|from|and|or|but|the|a|an|this|that|whole|same|new|"
    r"full|wider|core|entire|our|my|your|their|whose|which|what|is|are|was|be|its|his|her|every|each|one|any|per|"
    r"price|cost|first|second|next|last|single|other|another|box|back|front|home|post|ticket)\b)"
    r"[a-z&-]+ (?:team|group|office|department|dept|committee|(?<!across the )(?<!on )(?<!above )board|unit|function|panel|council|desk|planning|"
    r"managers?|directors?|officers?|controllers?|coordinators?|administrators?)\b",
    r"\b(?:vmo|pmo|a&r|bd|r&d|qs|hse|ehs|l&d|gc)\b",
)
# A role inside their organisation named by what the person does ('the winemaker', 'your asset manager').
ROLE_NOUN = rx(r"\b(?:the|your|their) (?:[a-z]+ )?[a-z]+(?:maker|manager|er|or|ist|ian|ant|ent)s?\b(?<!customer)(?<!partner)(?<!owner)")
# The speaker is the actor ('I run the assay group'): not a cue of someone else inside.
SELF_ACTOR = rx(r"\bi (?:run|head|lead|manage|chair|own|am|'m) (?:the|our|this)\s*$")

# In the other side's lines: a title, body or internal step that points at someone else deciding.
STAKEHOLDER_CUE = rx(
    r"\b(?:cfo|ceo|coo|cto|cio|cpo|vp|svp|evp|gm|chief [a-z]+ officer|finance director|head of [a-z]+|general counsel)\b",
    r"\b(?:(?<!across the )(?<!on )(?<!above )board|committee|investment committee|ic|steering group|leadership|management team|"
    r"partners?(?! (?:programme|program|dashboard|portal|network|scheme|tier|status|api|site|ecosystem))(?: meeting)?|"
    r"exec(?:utive)? team|procurement|purchasing|legal|counsel|lawyers?|compliance|operations|ops team|plant manager|"
    r"engineering|finance|treasury|hr|audit|quality(?: team)?|my (?:boss|manager|director|superiors?|partners?|"
    r"colleagues?|team|people|head office|hq|principal(?! [a-z]))|head office|headquarters|hq|the (?:business|group|parent)|"
    r"(?:our|the) (?:users|business unit|regional|global team|plant|site|controllers?|union|works council))\b",
    r"\b(?:i'll|i will|i'd|i would|i need to|i have to|i must|let me|we'll need to|i'll have to|i'll need to)\b[^.?!]{0,20}"
    r"\b(?:check|run (?:it|this|that) (?:by|past)|take (?:it|this|that) (?:back|to)|confirm|clear (?:it|this|that)|"
    r"get (?:sign[- ]?off|approval|buy-in)|consult|loop in|escalate)\b",
    r"\b(?:sign[- ]?off|signoff|approval|approve|approved|sign off|buy-in|mandate|authori[sz](?:e|ed|ation)|not my call|"
    r"above my pay grade|out of my hands|internally|internal (?:politics|review|process|pressure|approval|stakeholders?))\b",
)
# In the other side's lines: checking with, or deferring to, people above or beside the speaker.
CHECK_CUE = rx(
    r"\bon the [a-z]+ side\b|\bup the (?:chain|line|ladder)\b|\bpeople (?:upstairs|above me|above|at the top)\b|\bupstairs\b",
    r"\b(?:i'm|i am) not the (?:one|person) (?:who|that) (?:decides|signs|approves|makes)\b|\bnot (?:my|up to me|mine) to (?:decide|approve|sign)\b",
    r"\b(?:square|clear|check|run) (?:that|it|this) (?:with|by|past)\b|\b(?:have|has|get|gets) the final (?:word|say|call)\b",
    r"\b(?:treasurer|controller|comptroller|bursar|heads|higher-?ups|powers that be|top brass|seniors)\b|"
    r"\bsenior (?:people|folks|team|management|leadership|partners?|colleagues)\b",
    r"\b(?:i'll|i will|i'd|i would|i need to|i have to|i must|let me|we'll need to|i'll have to|i'll need to|i can)\b"
    r"[^.?!]{0,25}\b(?:check|run (?:it|this|that) (?:by|past)|take (?:it|this|that|the [a-z ]{1,20}) (?:back|to)|"
    r"confirm|clear (?:it|this|that)|get (?:sign[- ]?off|approval|buy-in)|consult|loop in|escalate|speak to|"
    r"talk to|ask|raise it|see what (?:i|we) can do|put it to)\b",
    r"\b(?:sign[- ]?off|signoff|approval|approve|approved|sign off|buy-in|mandate|authori[sz](?:e|ed|ation)|"
    r"not my call|above my pay grade|out of my hands|internally|internal (?:politics|review|process|pressure|approval))\b",
    r"\bi'll (?:ask|raise it|take it back|see what i can do|see what (?:they|she|he) (?:say|says|think|thinks))\b|"
    r"\bi'm just running the process\b",
)
# In the other side's lines: who holds a budget or a decision, said without a title.
DECIDER_WITHOUT_TITLE = rx(
    r"\b(?:people|person|folks|whoever|someone|those) (?:who|that) (?:hold|holds|control|controls|own|owns|sign|signs|"
    r"approve|approves|decide|decides|set|sets|run|runs) (?:the|off|it|this|that)\b",
    r"\b(?!(?:our|my|the|those|these|some|other)\b)[a-z]+ (?:folks|people|guys)\b",
    r"\b(?:corporate|marketing|sales|merchandising|planning|buying|strategy|product|design|research|safety|security|"
    r"sustainability|esg|facilities|estates|logistics|supply chain) (?:thinks?|wants?|needs?|says?|prefers?|will|would|"
    r"has|have|is|are|signs?|decides?|approves?)\b",
    r"\b(?:blessed|signed off|approved|cleared|okayed|ok'd|rubber-stamped) by\b",
    r"\b(?:advisers|advisors|consultants|auditors|actuaries|assessors|reviewers|governors|regulators?)\b",
)

# In our lines: questions that probe who decides. 'who signs', 'who else', 'what does the board need'.
WHO_PROBE = rx(
    r"^\s*who\b|\bwho(?:'s| is| else| would| will| needs| has| gets| makes| signs| decides| approves| owns| else's)\b",
    r"\bwho (?:actually |really |ultimately |finally )?(?!says\b)[a-z]+s\b(?! (?:me|us|it)\b)",
    r"\b(?:anyone|anybody|someone) else\b|\bhow does (?:the )?(?:decision|approval|sign[- ]off|process internally)\b",
    r"\bwhat (?:does|do|would|will) (?:the|your|their) (?!price|number|offer|contract|deal|terms)[a-z ]{2,30} "
    r"(?:think|need|want|care|say|prefer|worry|look for|focus on)\b",
)
# Probes without a title: anyone besides you, corporate's view, what someone is measured on.
PROBE_WITHOUT_TITLE = rx(
    r"\b(?:anyone|anybody|someone|who) (?:besides|apart from|other than|beyond|above) (?:you|yourself)\b",
    r"\b(?:corporate|head office|group|hq|the board|procurement|finance|legal|operations)'s (?:view|take|position|"
    r"concern|priorit|angle|requirement)",
    r"\bwhat (?:does|do|is|are) (?:your |the )?[a-z ]{1,30} (?:get |gets |being )?(?:measured|judged|assessed|"
    r"incentivi[sz]ed|bonused|targeted) on\b|\bhow much (?:discretion|latitude|authority|room) (?:does|do|is|has)\b",
)
# Asking an actor to grant something is an ask, not a probe of who decides or what they need.
ASK_VIA_ACTOR = rx(
    r"\b(?:would|could|will|can|might) (?:the|your) [a-z &-]{1,30} (?:consider|accept|agree|allow|be open|entertain|"
    r"go for|stretch|waive|make an exception)\b"
)
# Asking to meet or hear from someone, or to understand what they need: engaging an actor, not just naming one.
ENGAGE_STRONG = rx(
    r"\b(?:talk|speak|meet|met|sit down) (?:to|with)\b|\bmake (?:the|my|our) case to\b|\b(?:get|bring|have|invite|include|"
    r"loop) [^.?!]{0,30}\b(?:on|in|into|to) (?:the|a|our|next|this) (?:call|meeting|room|conversation|discussion)\b",
    r"\b(?:know|understand|hear|learn) (?:what|how|where|whether) [^.?!]{0,40}\b(?:needs?|cares?|looks? at|worr|wants?|"
    r"thinks?|prefers?|decides?|optimi[sz]ing|aiming|after|measured|judged)\b|"
    r"\b(?:ask|talk to|speak to|speak with|meet|call|email|check with|hear from) (?:her|him|them)\b|\bwalk [^.?!]{0,20} through\b|\bpresent (?:to|at)\b",
)
# Words that make a mention of a generic function into a probe: what it needs, weighs, prefers or decides.
ENGAGE_STAKEHOLDER = rx(
    r"\b(?:talk|speak|meet|met|sit down) (?:to|with)\b|\bmake (?:the|my|our) case to\b|\b(?:get|bring|have|invite|include|"
    r"loop) [^.?!]{0,30}\b(?:on|in|into|to) (?:the|a|our|next|this) (?:call|meeting|room|conversation|discussion)\b",
    r"\b(?:needs?|care[sd]? about|look(?:s|ing)? at|worr(?:y|ied|ies)|concern(?:ed|s)?|want(?:s)?|think(?:s)?|prefer(?:s)?|"
    r"weigh(?:s|ted)?|push(?:es)? back|view|priorit(?:y|ies)|decides?|approves?|signs?)\b",
    r"\bwalk [^.?!]{0,20} through\b|\bpresent (?:to|at)\b|\bunderstand\b",
)
# A question straight after an actor cue that asks how that actor decides ('what's the threshold?'): a probe.
FOLLOW_UP_PROBE = rx(
    r"\b(?:threshold|limit|delegated|authority|criteria|sign-?off|approval|mandate|who|"
    r"what (?:do|does|would|will) (?:they|it|he|she|that|the [a-z]+) (?:need|want|look|care|think))\b"
)

# --- urgency: our own clock ----------------------------------------------------------------------------------------
# Our deadline, runway or pressure said outright. A match whose own words talk about *their* clock ('you need to
# close by Friday') does not count, so this pattern is read match by match, never merged with the ones below.
URGENCY = rx(
    rf"\b{WE}\b[^.?!]{{0,40}}\b(?:need|needs|have|has|got|must|want|wanted|hope|hoping|'d like|would like)\b[^.?!]{{0,12}}\bto "
    r"(?:close|sign|finish|finali[sz]e|wrap (?:this|it|things)? ?up|get (?:this|it|the deal|something) (?:done|signed|closed|agreed|over)|"
    r"conclude|lock (?:this|it) in|settle|have (?:this|it|a deal|something) (?:done|signed|agreed|in place)|move fast|move quickly|"
    r"get (?:moving|going|started)|start|announce|go live|launch)\b[^.?!]{0,60}\b(?:by|before|this|next|within|end of|asap|"
    r"quickly|soon|fast|today|tomorrow|tonight|week|month|quarter|friday|monday|tuesday|wednesday|thursday|year)",
    rf"\b{OUR} (?:runway|cash|money|funding|bridge|financing|loan|covenant|credit line|visa|lease|contract|licen[cs]e|"
    r"current (?:deal|contract|agreement)|slot|window|permit|offer) (?:runs? out|ends?|expires?|lapses?|is running out|"
    r"is up|will run out|only lasts?|covers? us|closes?|is closing)",
    rf"\b{OUR} (?:board|investors?|lenders?|bank|ic|investment committee|shareholders?|partners?|parent company|"
    r"auditors?|ceo|cfo|boss|steering committee|owners?)\b[^.?!]{0,50}\b(?:meets?|meeting|vote|votes|deadline|expects?|"
    r"wants?|needs?|demands?|requires?|is pushing|are pushing|breathing|on the \d|on (?:monday|tuesday|wednesday|"
    r"thursday|friday)|next week|this week|by (?:the )?(?:end|\d))",
    r"\b(?:we're|we are|i'm|i am) (?:running (?:out|low|short)|under (?:a lot of |real |huge |some )?(?:pressure|the gun)|"
    r"desperate|in a hurry|in a rush|on a (?:tight|short) (?:clock|timeline|deadline|schedule)|up against (?:a|the) (?:clock|deadline)|"
    r"short on (?:time|cash)|behind schedule|out of time|pressed for time|burning cash|low on cash)",
    r"\b(?:months?|weeks?|days?) of (?:runway|cash|funding|money)\b",
    rf"\b{OUR} (?:deadline|timeline is tight|time ?line is (?:short|tight)|clock|cutoff|cut-off|year-end close|quarter-end close)\b",
    r"\b(?:we|i) (?:can't|cannot|can not) (?:afford to )?(?:wait|delay|drag this out|let this drag|lose (?:more )?time|"
    r"go (?:another|one more) (?:month|quarter|week))",
    r"\b(?:time is (?:tight|short|running out|of the essence) for (?:us|me))\b",
    r"\b(?:we|i) (?:really |badly |urgently )?need (?:this|the|a) (?:deal|contract|signature|agreement|renewal|money|"
    r"investment|funding|order|job)\b",
    r"\b(?:i've|i have|we've|we have) already (?:resigned|decided|accepted|handed in|given notice|committed|told|announced|"
    r"booked|hired|started|signed (?:the )?lease|ordered)",
    r"\bbefore (?:our|my) (?:board|next production|production (?:run|cycle)|season|launch|fiscal|financial year|year[- ]end|"
    r"quarter[- ]end|audit|funding|money|cash)",
    r"\b(?:asap|as soon as (?:possible|we can|humanly possible)|urgent(?:ly)?)\b",
    r"\bjust (?:checking|following up|chasing)\b|\b(?:following up|checking in) again\b|\bany (?:news|update)s?\b",
)

# Our pressure said indirectly: any of these in our own sentence discloses urgency.
URGENCY_INDIRECT = AnyOf(
    # bills, repayments and payroll falling due
    rx(
        r"\b(?:rent|mortgage|payroll|wages|salaries|bills?|loan|repayments?|invoices?|tax bill|vat)\b[^.?!]{0,25}"
        r"\b(?:'s|is|are|falls?|fall|come|comes) (?:due|overdue|looming|coming up)\b",
        r"\b(?:loan|facility|overdraft|debt|note|bridge|mortgage)\b[^.?!]{0,25}\b(?:is |'s |are )?(?:repayable|due|matures|"
        r"expires|gets called|comes due)\b",
        r"\b(?:payroll|wages|salaries)\b[^.?!]{0,20}\b(?:is|are|'s) (?:on|due|this|next)\b|\b(?:what|that) covers "
        r"(?:payroll|wages|the rent|salaries)\b",
        r"\b(?:payments?|mortgage|rent|loan|finance|wages)\b[^.?!]{0,20}\b(?:go(?:es)? out|come(?:s)? out|leaves?)\b|"
        r"\bbank manager(?:'s| has| is)? (?:already )?(?:rung|called|phoned|on)\b|\bdone and dusted before\b",
        r"\b(?:loan|lease|finance|hire[- ]purchase) (?:repayment|payment|instal?ment)s?\b[^.?!]{0,60}\b(?:end of|due|next|by|"
        r"before|this)\b|\brepayments? (?:is |are )?due\b",
    ),
    # money, stock or a team that only lasts so long
    rx(
        r"\bliving (?:off|on) (?:the|my|our) (?:last|savings|overdraft|credit card|reserves)\b",
        r"\b(?:savings|cash|reserves|funds|money|runway|budget) (?:only |just |barely )?(?:stretch|stretches|last|lasts|cover|covers|"
        r"run|runs|get us|takes us) (?:to|until|till|through|into|for)\b",
        r"\b(?:won't|will not|doesn't|does not|can't) (?:keep|last|hold) (?:past|beyond|after|much longer|longer than)\b|"
        r"\b(?:perishable|spoiling|going off)\b",
        r"\b(?:sitting|standing|stood|lying) idle\b|\bidle (?:until|till)\b",
        r"\bnowhere to (?:go|put (?:it|them)|store (?:it|them)|send (?:it|them))\b",
        r"\b(?:costing|costs) (?:us|me) [^.?!]{0,25}\b(?:every|a|each|per) (?:day|week)\b|\b(?:sitting|standing) (?:on the bench|"
        r"idle|around)\b",
        r"\b(?:can|could) only (?:keep|carry on|afford|hold|last|cover|stretch)\b[^.?!]{0,50}\b(?:until|till|through|to the end)\b",
        r"\brunning on (?:fumes|empty)\b|\bhold (?:the|my|our) team together\b",
    ),
    # our lenders, investors, board or financial year setting the date
    rx(
        r"\b(?:promised|told|committed to|assured|guaranteed) (?:our|my) (?:investors?|(?<!across the )(?<!on )(?<!above )board|lenders?|bank|shareholders|"
        r"partners?|customers?|members|backers)\b",
        r"\b(?:our|my) (?:backers|investors|lenders|bank|funders|board)\b[^.?!]{0,40}\b(?:before|until|by) (?:they|we|the)\b",
        r"\b(?:our|my) (?:lenders?|banks?|investors|backers|funders|financiers)\b[^.?!]{0,140}\b(?:release|tranche|drawdown|"
        r"covenant|credit line|facility|extend|renew)\b",
        r"\b(?:our|my) (?:financial |fiscal )?(?:year[- ]end|quarter[- ]end)\b",
        r"\b(?:the|our|my) (?:bank|lenders?|investors?|funders?)(?:'s| is| are)? [^.?!]{0,40}\b(?:tranche|drawdown|holding|"
        r"waiting|until we)\b|\bfor (?:the|our|my) (?:bank|lenders?|investors?)(?:'s)? (?:benefit|sake)\b",
        r"\b(?:funding|investment|seed|series [a-c]) round (?:is )?(?:closing|closes|due to close)\b",
    ),
    # an event of ours with a date: a pitch, a launch, a move, a school term
    rx(
        r"\bbefore (?:our|my) (?:[a-z-]+ ){0,3}(?:pitch|raise|round|close|closing|launch|opening|move|wedding|trip|renewal|"
        r"deadline|review|audit|demo day|go-live|handover)\b",
        r"\b(?:on|by|from|next|this) [a-z0-9]+\b[^.?!]{0,30}\bunless (?:this|it|the deal|we|you)\b",
        r"\b(?:go|goes|will go|would go|fall|falls) (?:quiet|idle|silent|dark) (?:after|once|when|from)\b",
        r"\b(?:kids?|children) (?:start|starts|are starting)\b|\b(?:put|made|have) an offer on (?:a|the) (?:house|flat|home|place)\b",
    ),
    # hurry or pressure said in so many words
    rx(
        r"\b(?:would be|it'd be|it would be|be) (?:great|good|ideal|helpful|nice|brilliant) to (?:wrap|close|sign|finish|"
        r"get (?:this|it) (?:done|signed|agreed))\b[^.?!]{0,30}\b(?:this|next|by|before|soon|quickly|asap)\b",
        r"\b(?:time pressure|pressed for time|up against it|against the clock|on the clock)\b",
        r"\b(?:speed (?:this|things|it) up|hurry (?:this|things) along)\b",
        r"\b(?:nudge|chase|ping|prod) (?:again|once more)\b|\b(?:keen|eager|anxious) to (?:get (?:this|it) (?:done|signed|"
        r"over the line|closed)|close|wrap)\b",
        r"\b(?:keen|eager|anxious|need|needs) to (?:get )?(?:everything|it|this|things|the [a-z]+) (?:confirmed|signed|agreed|"
        r"sorted|locked)(?: in| down| up)?\b[^.?!]{0,20}\b(?:in the next|within|by|before|this week|asap|quickly|soon)\b",
        r"\bthe sooner the better\b|\bracking up\b|\b(?:we're|we are|i'm|i am) under (?:a (?:bit|lot) of |some |real |"
        r"a fair bit of )?pressure\b",
    ),
    # chasing an answer
    rx(
        r"\b(?:it'd|it would|that'd|that would) help (?:us |me )?(?:a lot )?to (?:know|hear|have an answer|get an answer) "
        r"(?:soon|quickly|early|by|before|this week|asap|sooner)\b",
        r"\b(?:sorry|apologies) (?:to|for) (?:push|pushing|chase|chasing|nag|nagging|hassle|hassling|bother|bothering)\b",
        r"\b(?:circling back|circle back|bumping this|gentle reminder|nudging|chasing (?:up|this)|any movement)\b",
        r"\b(?:any chance|could you|can you|would you be able to)\b[^.?!]{0,30}\b(?:confirm|decide|sign|let (?:us|me) know|"
        r"come back to (?:us|me)|get back to (?:us|me)|give (?:us|me) an answer)\b[^.?!]{0,20}\bby (?:monday|tuesday|"
        r"wednesday|thursday|friday|tomorrow|tonight|the end of|end of|next|this)\b",
        r"\b(?:know|knowing|hear|hearing|an answer|a decision|word)\b (?:back )?by (?:like |say |around )?(?:the )?(?:\d|"
        r"monday|tuesday|wednesday|thursday|friday|end of)",
        r"\b(?:realistic|possible|doable) for an answer\b|\bit would help (?:me|us) plan\b",
    ),
)

# A date or a pace word; with a pressure word and our own voice in the same sentence it is urgency.
DATE_OR_PACE = rx(
    r"\b(?:first|end|start|middle|beginning) of (?:the )?(?:month|week|year|quarter)\b",
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve) (?:weeks|months) of (?:operations|runway|cash|money|funding|work)\b",
    r"\b(?:holidays|christmas|new year|easter|half-term|fiscal year|financial year)\b",
    r"\bin (?:one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few) (?:days?|weeks?|months?)\b",
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|"
    r"jun|jul|aug|sep|sept|oct|nov|dec)\b(?! (?:i|we) )",
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow)\b|\b(?:this|by the|over the|before the) weekend\b",
    r"\bthe \d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}(?:st|nd|rd|th) of\b|\bmid-[a-z]+\b",
    r"\b(?:end|start|beginning|close) of (?:the |this |next )?(?:day|week|month|quarter|year|season|spring|summer)\b",
    r"\b(?:this|next|coming) (?:week|month|quarter|year|season|spring|summer|autumn|fall|winter)\b",
    r"\b(?:spring|summer|autumn|fall|winter|year[- ]end|quarter[- ]end|month[- ]end|q[1-4])\b",
    r"\b(?:soon|sooner|quick(?:ly)?|fast|asap|by then|before then|in time|timing|deadline|right away|shortly|"
    r"over the line|day one)\b",
    r"\bin (?:a|one|two|three|four|few|\d+) (?:days?|weeks?)\b",
)
# Needs, wishes and running-out verbs that turn a date of ours into pressure.
PRESSURE_WORDS = rx(
    r"\b(?:is up|reviews|switched off|sitting idle|idle|covers|is due|falls due|matures|comes up|kicks in|resets|regardless)\b",
    r"\b(?:like|love|want|need|hope|prefer|hoping) (?:to|an?|the|it|this|that|everything)\b",
    r"\b(?:fast-?track|expedite|speed (?:this|things|it) up|hurry|rush|squeezed|pending)\b",
    r"\b(?:stops|stop delivering|cuts? (?:us )?off|runs dry|dries up)\b",
    r"\b(?:closes|closing|due|slip|slipping|timing is (?:critical|crucial|key|everything|important|tight)|can't afford to (?:wait|let|lose|delay|miss))\b",
    r"\b(?:need|needs|needed|must|have to|has to|got to|'d like|would like|'d love|would love|want|hope|hoping|"
    r"'d appreciate|would appreciate|matters?|help(?:s)? (?:us|me|a lot)|better for (?:us|me)|would help)\b",
    r"\b(?:runs? out|ran out|running out|lapses?|expires?|ends|ending|won't stretch|covered (?:to|until|till|through)|"
    r"funded (?:to|until|till|through)|lose (?:our|my|the) (?:slot|spot|place|booking)|booked|opens|renews|"
    r"told (?:our|my) (?:bank|(?<!across the )(?<!on )(?<!above )board|investors?|lenders?|team|members|wife|family)|announce|unlock|"
    r"investor update|board meeting|agm|payroll|runway|cash)\b",
    r"\b(?:aim to|have it signed|get (?:it|this) (?:signed|done|agreed|closed|over the line)|wrap (?:it|this) up|"
    r"close this|closed|signed|signature|agreed|locked|the better|wage bill|bills? to (?:meet|pay)|on at us|"
    r"chasing us|breathing down)\b",
    r"\bso (?:we|i) can (?:plan|book|order|schedule|start|move|hire|commit|pay)\b",
    r"\bideally\b|\b(?:expensive|costly|painful|tricky|tight) for (?:us|me)\b|\bcosting (?:us|me)\b",
)
# Pressure words strong enough to carry urgency from a neighbouring sentence (wanting or liking a date is not).
STRONG_PRESSURE_WORDS = rx(
    r"\b(?:runs? out|ran out|running out|runway|payroll|lapses?|expires?|falls due|is due|can't afford|"
    r"won't stretch|sitting idle|idle|rush|hurry|fast-?track|expedite|squeezed|the sooner the better|asap|as soon as possible|"
    r"chasing us|on at us|breathing down|bills? to (?:meet|pay)|wage bill|would (?:really )?help (?:us|me)|"
    r"helps? (?:us|me) (?:a lot|hugely)|pressure|hold the team|let (?:anyone|people|staff) go|"
    r"(?:i'm|we're|i am|we are) (?:really |very |quite )?keen)\b",
)

# Not our urgency. Their clock: their deadline, board or launch.
THEIR_TIME = rx(
    r"\b(?:your|their|you've got|you have|you're|you are)\b[^.?!]{0,30}\b(?:deadline|quarter[- ]?end|year[- ]?end|"
    r"board|committee|timeline|fiscal|budget cycle|launch|clock|pressure|need to close|need to sign)",
    r"\byou (?:need|have|must|want) to (?:close|sign|finish|lock|get)\b",
    r"\bi (?:understand|know|gather|hear|see|noticed|realise|realize) (?:that )?(?:you|your)\b",
    r"\byour (?:[a-z0-9-]+ ){0,2}(?:date|dates|launch|go-live|timeline|timetable|window|cut-?off)\b",
)
# Their situation framed as what we know or hear about it ('I understand your quarter closes').
THEIR_FRAME = rx(
    r"\b(?:i|we) (?:also |already |do |fully |totally )?(?:know|understand|gather|realise|realize|assume|hear|see|"
    r"appreciate|noticed|get|imagine|expect|suppose|guess|bet|gather|recall|remember) (?:that )?"
    r"(?:you|your|the|they|their)\b",
)
# Their clock, not ours: 'your review locks in July, so we'd want it agreed before then'.
THEIR_DATE_BEFORE_THEN = rx(
    r"\byour [a-z -]{1,30}(?:cycle|review|window|budget|deadline|round|tender|process|report|calendar|season|launch)"
    r"\b[^.?!]{0,90}\bbefore then\b"
)
# Sound scheduling, not pressure: proposing a call or meeting.
NEUTRAL_SCHEDULING = rx(
    r"\b(?:shall|should|can|could) we (?:set|schedule|book|find|arrange|pencil in|put in) (?:up )?(?:a |some )?"
    r"(?:call|meeting|time|session|slot|catch-?up)\b",
    r"\blet's (?:set|schedule|book|find|arrange|pencil in) (?:up )?(?:a |some )?(?:call|meeting|time|session|slot|catch-?up)\b",
)
# Saying out loud that there is no hurry on our side.
CALM = rx(r"\bno (?:rush|hurry|pressure)(?: at all)?(?: on our (?:side|end))?\b(?!,? but)|\bnot in (?:a|any) (?:rush|hurry)\b|"
          r"\b(?:plenty|lots) of time\b|\bin no (?:rush|hurry)\b")
# Own position secured on paper, with a date attached (not pressure).
SECURE_DATE = rx(
    r"\b(?:signed|contracted|booked|committed|guaranteed|fixed) (?:through|until|till|to the end of|into)\b",
    r"\b(?:signed us|(?:we've|we have|i've|i have) (?:just |recently )?signed|(?:we|i) (?:just |recently )?signed)\b"
    r"[^.?!]{0,60}\b(?:agreement|contract|deal|framework|for \w+ years?|at \d)",
)
# A duration that is a term of the deal ('appeals turned around in five days'), not our own clock.
SERVICE_TERM = rx(
    r"\b(?:turned around|turnaround|responded to|resolved|answered|processed|fixed|on site) (?:with)?in "
    r"(?:\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty) (?:working )?(?:hours?|days?|weeks?)\b",
)

# --- alternatives: ours and theirs -----------------------------------------------------------------------------------
# A credible, strong alternative of ours: a signed or firm offer, a competing bid (leverage, not a mistake).
STRONG_ALT = rx(
    r"\b(?:already )?in writing\b|\b(?:we'll|we will|i'll|i will) (?:take|accept|go with|sign with) (?:the|their|our) [a-z]+ (?:offer|deal|bid|contract)\b",
    r"\b(?:already )?signed (?:heads of terms|an? (?:loi|offer|term sheet|contract|agreement))\b|\bat a (?:higher|better) (?:price|rate|valuation|salary|fee)\b|\bfirm offers?\b",
    r"\b(?:written|signed|firm|confirmed) (?:orders?|call-?offs?|commitments?|purchase orders?|bookings?)\b",
    r"\b(?:we|i) (?:have|'ve got|have got|received|hold|got) (?:a |an |another |two |three |several |multiple )?(?:firm|signed|"
    r"written|competing|formal|binding|concrete|solid|serious|standing|fully[- ]funded|better|strong|credible|"
    r"committed)? ?(?:offers?|term sheets?|bids?|quotes?|proposals?|loi|letters? of intent|contracts?)\b[^.?!]{0,60}"
    r"\b(?:from|at|of|for|on the table|valid|in hand|signed|that|which)\b",
    r"\b(?:another|a competing|a second|a rival|their competitor|a competitor|[A-Z][a-z]+ (?:Corp|Inc|Ltd|GmbH|plc))"
    r"[^.?!]{0,40}\b(?:has offered|offered|has made|made us|has sent|sent us|has signed|is ready to sign|put .{0,20}on the table)",
    r"\b(?:term sheet|signed offer|written offer|firm offer|binding offer|competing offer|counter-?offer from|letter of intent)\b",
    r"\b(?:we|i) can (?:walk|go|switch|move) (?:to|over to) [^.?!]{0,40}\b(?:tomorrow|today|next week|any time|immediately|"
    r"at the same|at a lower|at a better|on better|for less|for more)",
    r"\b(?:we've|we have|i've|i have|we) (?:just |already |recently )?signed (?:a|an) (?:[a-z]+ )?(?:agreement|contract|deal|pilot|"
    r"supply agreement|framework)\b",
)
# Words that make an alternative we mention a weak one ('a verbal offer', 'but much lower').
WEAK_QUALIFIER = rx(
    r"\b(?:worse|weaker|not (?:as good|nearly as|great|good|serious|firm|signed|binding|very)|verbal|tentative|vague|"
    r"shaky|informal|unlikely|uncertain|pretty thin|far below|well below|much lower|much less|a lot less|a lot lower)\b",
    r"\bbut\b[^.?!]{0,60}\b(?:lower|worse|less|not|smaller|far|risky|slow|weaker)",
)
# A fallback as good as this deal ('about the same', 'signed', 'better'): not a weak alternative.
POSITIVE_ALT = rx(r"\b(?:about the same|the same|better|more|higher|stronger|faster|solid|signed|firm|in writing|comparable|similar)\b")

# A poor fallback, or none, declared outright: it counts even next to a strong alternative.
WEAK_ALT = rx(
    r"\b(?:our|my) (?:only|best|last|one) (?:real )?(?:shot|chance|hope|option)\b|\b(?:it's|it is) this or nothing\b|\blast resort\b",
    r"\b(?:we're|we are|i'm|i am) (?:out of|running out of) options\b|\b(?:we've|we have|i've|i have) (?:exhausted|tried) (?:the|all the|every) (?:other )?(?:routes|options|avenues|alternatives)\b",
    r"\b(?:we|i) (?:can't|cannot) (?:really )?(?:afford to )?(?:walk away|say no)\b",
    r"\b(?:we|i)(?:'d| would) lose everything\b|\b(?:we've|we have|i've|i have) (?:got )?nothing else\b",
    r"\b(?:lowballed|low-balled) (?:us|me)\b|\bstart(?:ing)? (?:again |over |the [a-z]+ )?from (?:zero|scratch|square one)\b",
    r"\bneed (?:this|it|you|the deal) more than you\b",
    r"\b(?:we|i) (?:don't|do not|dont) (?:really )?have (?:any|an|a|other|another|many|much of an?|a real|a good|"
    r"a serious|a viable) ?(?:other |real |good |serious |viable )?(?:alternatives?|options?|choice|offers?|buyers?|"
    r"customers?|clients?|plan b|backup|fallback|bidders?|investors?|leads?|suppliers?|takers?|interest)",
    r"\b(?:we|i) have no (?:other |real |good |serious |viable )?(?:alternatives?|options?|choice|offers?|buyers?|"
    r"customers?|clients?|plan b|backup|fallback|bidders?|investors?|leads?|suppliers?|takers?)",
    r"\byou(?:'re| are) (?:our|my|the) only (?:option|hope|choice|customer|client|buyer|investor|offer|real option|game)",
    r"\bno (?:one|body|other (?:company|buyer|customer|client|firm|investor)) else (?:is|has|will|would|wants|seems)",
    rf"\b{OUR} (?:only|other|next[- ]best|fallback|backup|alternative|plan b|best alternative|walk[- ]?away|outside) "
    r"(?:option|alternative|offer|choice|plan|candidate|bidder|buyer|lead)?\b[^.?!]{0,60}\b(?:is|would be|was|pays|means|"
    r"involves)\b[^.?!]{0,80}\b(?:worse|lower|less|weaker|poor|bad|not great|not (?:as|nearly|anywhere|very)|much|far|"
    r"a lot|bridge|down round|layoffs?|lay off|shut|close|liquidat|unemploy|nothing|pittance|half|fraction|smaller|"
    r"risky|uncertain|tough|painful|lower-paying|under ?water|loss|discount|cheaper|sell (?:it|the)|fire sale|"
    r"expensive|slow|struggl)",
    r"\bif (?:this|we|the deal|it|things) (?:falls? through|doesn't work out|don't (?:agree|work out|reach)|fails?|"
    r"collapses?|no deal|can't agree)\b[^.?!]{0,60}\b(?:we|i)(?:'d|'ll| would| will)? ?(?:have to|be forced|need to|"
    r"must|end up|probably|likely|lose|close|shut|lay|go back|settle|sell|default|take|accept|fall back|return)",
    r"\b(?:the|our|my|that|this|their|one) other (?:offer|bid|option|quote|proposal|candidate|buyer|lead)\b[^.?!]{0,40}"
    r"\b(?:is|was|came in|would be)\b[^.?!]{0,40}\b(?:lower|worse|weaker|less|much|far|well below|significantly|"
    r"not (?:as|nearly|great|good|serious)|pretty|poor|shaky|tentative|vague|verbal|soft|lukewarm|uncertain)",
    r"\b(?:otherwise|failing that|if not)\b[^.?!]{0,20}\b(?:we|i)(?:'d|'ll| would| will)? ?(?:have to|be stuck|be forced|"
    r"need to|end up|go back|settle|fall back|be left)",
    r"\b(?:we|i)(?:'d| would)? (?:be|get) stuck with\b|\bwe(?:'d| would) have to (?:lay off|close|shut|let .{0,20} go|"
    r"sell|liquidate|take a down round|raise a bridge)",
    r"\b(?:worst case|the alternative for us|the alternative is|fallback is|backup is)\b[^.?!]{0,60}\b(?:we|i|a|an|the)\b",
    r"\bwalk[- ]?away\b[^.?!]{0,40}\b(?:is|would be)\b[^.?!]{0,40}\b(?:bad|worse|poor|grim|ugly|terrible|awful|not great)",
    r"\b(?:no|not (?:really )?any|not many|few|nothing) (?:other |real )?(?:alternatives?|options?|buyers?|customers?|offers?|"
    r"bidders?|investors?) (?:on the table|lined up|out there|for us|for me|available|to speak of|at the moment|right now)",
)

# Our poor fallback described through our situation. The same sentence being calm about losing the deal
# (CALM_LOSS) or calling the fallback as good (POSITIVE_ALT) cancels these, as does a strong alternative.
WEAK_ALT_HINT = AnyOf(
    # what happens to us if this deal fails
    rx(
        r"\bif (?:we|i) (?:lost|lose|don't (?:get|land|fill|win|sign|close)|can't (?:do|get|close|land|raise|fill)|"
        r"didn't get|miss (?:this|out))\b[^.?!]{0,80}\b(?:we|i)(?:'d| would| will|'ll)?\b",
        r"\bif (?:this|it|the deal|that|they|this deal|the contract|this contract|the round) (?:doesn't|does not|don't|"
        r"falls?|goes|fails?|isn't|is not|won't|collapses?|happen)\b[^.?!]{0,80}\b(?:we|i|our|my)\b",
        r"\bwithout (?:this|it|you|the contract|this contract|the deal|this deal|your (?:business|order|contract|account))"
        r"\b[^.?!]{0,60}\b(?:we|i|our|my)(?:'d| would)?\b",
        r"\bif (?:you|we|i|they|this|it|the deal) (?:don't|do not|can't|cannot|won't|doesn't|didn't|couldn't|lose|pass|say no|walk)\b[^.?!]{0,60}\b(?:dies?|fold|folds|go(?:es)? under|shelved|sits? (?:idle|in a drawer|on the shelf)|sit in a drawer|wasted|go(?:es)? nowhere|falls? apart|collapses?|shut(?:s)? down|lay off|struggle|trouble)\b",
        r"\bif (?:you|they) (?:pass|say no|walk|decline|don't|won't|can't|turn (?:us|this|it) down|go elsewhere)\b[^.?!]{0,60}\b(?:we|i)(?:'ll|'d| will| would)? (?:probably |likely |just |simply )?(?:have to|need to|be forced|end up|be stuck|be left|go back|fall back|sell|close|shut|lay|lose)\b",
        r"\b(?:i|we) (?:honestly |really |genuinely )?(?:don't|do not) know what (?:we|i)(?:'d| would| will|'ll) do\b",
        r"\bwithout (?:this|it|you|your [a-z]+|the [a-z]+)\b[^.?!]{0,60}\b(?:would|'d) (?:sit idle|go under|fold|struggle|be idle|close|shut|go bust|be in trouble|lose)\b",
        r"\bwe(?:'d| would) have to (?:shut|close|lay (?:people )?off|let people go|sell|downsize|start over|move back|"
        r"scale back|wind down|fold|give up)\b",
        r"\b(?:we|i)(?:'d| would) be in (?:real |serious |big )?trouble\b|\b(?:there's|there is|i have|we have) no plan b\b|"
        r"\b(?:i|we) (?:don't|do not) (?:really )?have a plan b\b",
    ),
    # this is our only or best option; there is no plan b
    rx(
        r"\b(?:the|my|our) only (?:other )?(?:thing(?!,? (?:is|was|i'd|we'd|that|i'm|we're)\b)|outlet|route|option|alternative|income|offer|choice|way|buyer|"
        r"customer|client|lead|interest|path)\b",
        r"\b(?:first|only) (?:real |serious )?(?:interest|offer|bite|nibble|lead)\b",
        rf"\b{OUR} (?:fallback|backup|plan b|alternative|other option|walk-?away|next best)\b",
        r"\bnot (?:really )?(?:an option|viable|realistic|much of an (?:option|alternative))\b",
        r"\b(?:my|our) (?:other|only other|next|backup) (?:offer|option|bid|lead|quote|buyer)\b[^.?!]{0,60}\b(?:might|may|could) (?:not|never)\b",
        r"\b(?:going back|staying|the alternative|plan b|that route|the other (?:route|option)|doing it (?:ourselves|myself)|walking away)\b[^.?!]{0,20}\b(?:isn't|is not|wasn't|aren't) (?:really )?(?:an option|viable|realistic|on the table)\b",
        r"\bthere (?:isn't|is not|'s not|is no|'s no) (?:really )?(?:a |any )?(?:plan b|backup|fallback|alternative|other option)\b",
        r"\b(?:i|we) (?:don't|do not) have (?:much|anything|a lot|many options) else\b|\b(?:nothing|not much) else (?:on the table|lined up|going|in the pipeline)\b",
    ),
    # back to, or stuck with, what we had
    rx(
        r"\b(?:we'd|i'd|we would|i would|we'll|we will|be|go|going|end up|ending up|we're|i'm)(?: be)? back (?:to|on) "
        r"(?!(?:the|my|our) (?:family|team|client|board|office|partners?|colleagues|lawyer|agent)\b)(?!(?:them|him|her|you)\b)"
        r"(?!you\b|the table|it\b|this\b|that\b|me\b|us\b|square one\b)",
        r"\b(?:end up (?:back )?(?:on|with|in|doing)|stuck (?:with|selling|on|in|doing)|limping along|keep limping)\b",
        r"\b(?:we|i) (?:could|can) always\b[^.?!]{0,80}\b(?:though|but|not really|not much|not great|barely|only)\b",
        r"\b(?:don't|do not|can't|cannot) (?:have the (?:cash|money|funds|runway|resources) to )?(?:keep going|survive|carry on|continue|go it alone) (?:on our own|alone|by ourselves|without)\b",
        r"\b(?:we|i)(?:'d| would) be (?:starting (?:again )?from scratch|back to square one|forced to)\b|\b(?:we|i)(?:'d| would) (?:have to )?start (?:all )?over\b",
        r"\b(?:i|we) (?:could|can) (?:always )?(?:stay|keep going|carry on|continue)\b[^.?!]{0,60}\bbut\b",
    ),
    # a dry market: nobody else wants it, everyone said no
    rx(
        r"\b(?:pipeline|market|demand|bookings|interest|other (?:agency|agencies|clients?|customers?|offers?|leads?)|"
        r"prospects)\b[^.?!]{0,40}\b(?:dead|empty|thin|dry|quiet|slow|nothing|tough|brutal|weak|gone quiet|dried up|"
        r"pretty bad|not great)\b(?<!from nothing)",
        r"\b(?:nobody|no one|no-one|none of the others?) (?:else )?(?:is going to|will|would|wants? to|can) (?:pay|buy|take|hire|want|touch|fund|back)\b",
        r"\bthere(?:'s| is) (?:nothing|not much|little) (?:else )?(?:in|on|out there|available|for us|that)\b",
        r"\b(?:bank|lenders?|investors?|others?|everyone|everybody) (?:already )?(?:said no|turned (?:us|me) down|declined|refused|rejected (?:us|me|our))\b",
        r"\b(?:everyone|everybody|all|the others|others|every(?:one| other [a-z]+)) (?:else )?(?:we|i)?\s?(?:spoke|talked|pitched|approached|asked|went|tried)?\s?(?:to|with)?\s?(?:has |have )?(?:said no|turned (?:us|me) down|passed|declined|rejected (?:us|me))\b",
        r"\b(?:nobody|no one|no-one) (?:else )?(?:has|have) (?:shown|expressed) (?:any |much |real )?interest\b",
        r"\b(?:there aren't|there are not|there's not|there isn't|there are (?:very )?few|not many) (?:many |a lot of |any |much )?(?:other )?(?:buyers|options|alternatives|offers|takers|customers|clients|jobs|roles|bidders|investors|suppliers|landlords|publishers|labels|demand)\b",
        r"\b(?:we|i) (?:haven't|have not|hadn't) (?:had|got|gotten|received|found|seen) (?:any|much|many|a single|another|"
        r"other) (?:interest|luck|offers?|bites?|responses?|replies|calls?|buyers?|takers?|leads?|work)\b",
        r"\b(?:nobody|no one|no-one|none of the others?) (?:else )?(?:has|have|is|was) (?:come back|replied|responded|bitten|"
        r"interested|called|offered|shown interest)\b",
        r"\b(?:the|my|our) (?:other|previous|last|backup|only other) (?:offer|option|bid|deal|lead|buyer|client|job|prospect)s? "
        r"(?:fell through|was withdrawn|collapsed|dried up|went away|disappeared|pulled out|is gone)\b",
    ),
    # searching for a long time and getting nowhere
    rx(
        r"\b(?:has been|have been|was|is|it'd be|would be|it would be)\b[^.?!]{0,12}\b(?:a )?(?:nightmare|disaster|killing us|"
        r"brutal|a struggle|hopeless)\b(?<!train was a disaster)(?<!traffic was a nightmare)",
        r"\b(?:went|led|came to|going) nowhere\b|\bfell flat\b|\bdidn't (?:work out|come through|pan out)\b",
        r"\b(?:i've|i have|we've|we have) been (?:trying|looking|searching)\b[^.?!]{0,50}\b(?:with no luck|without (?:any )?luck|no joy|nothing came of it|came to nothing|for (?:months|a year|ages|years))\b",
        r"\b(?:looked at|considered|tried|explored|thought about)\b[^.?!]{0,30}\b(?:doing it|in-house|ourselves|myself|other|another|alternatives?|selling|going|switching|self-|direct|independent|elsewhere)\b[^.?!]{0,30}\bbut\b[^.?!]{0,40}\b(?:don't|can't|couldn't|didn't|wasn't|isn't|not|no|too|never)\b",
        r"\b(?:i've|i have|we've|we have) been (?:looking|searching|applying|job[- ]hunting|trying|pitching|shopping (?:it|this) "
        r"around)\b[^.?!]{0,20}\b(?:months|a year|ages|forever|a long time|years)\b",
        r"\b(?:i've|i have) been (?:out of work|unemployed|laid off|let go)\b|\bi was (?:laid off|let go|made redundant)\b",
    ),
    # the fallback pays a fraction of this
    rx(
        r"\b(?:the|our|my) other (?:quote|offer|bid)s?\b[^.?!]{0,30}\b(?:half|a third|a fraction|much lower|far lower|way lower|well below)\b",
        r"\b(?:a tenth|a quarter|a third|a fraction|a sliver) of (?:this|that|what|the|your)\b",
        r"\b(?:at|for) (?:half|a fraction of|a third of|about half|roughly half) (?:this|that|your|the|our|my|what)\b",
        r"\bthe alternative (?:for (?:us|me) )?(?:is|would be) (?:worse|grim|bleak|much worse|not great|terrible|awful|a lot worse)\b",
        r"\b(?:another|other|a second|a competing) (?:offer|bid|quote|option)\b[^.?!]{0,40}\bbut\b[^.?!]{0,40}"
        r"\b(?:lower|worse|less|not as|smaller|far|weaker|below|only)\b",
        r"\b(?:at|for) (?:half|a fraction of|a third of|about half|roughly half) (?:the|our|my|what)\b|\b(?:far|much|a lot) less\b"
        r"[^.?!]{0,30}\b(?:elsewhere|otherwise|anywhere else|the other)\b",
    ),
    # depending on this deal or on them
    rx(
        r"\b(?:lost|losing|lose) money\b|\b(?:barely|hardly) (?:covered|covers|pays|paid|broke even)\b|"
        r"\bone recruiter\b|\bno one else (?:is|has|was)\b",
        r"\b(?:\d+ ?%|\d+ percent|most|half|a big part|a large part|the bulk|a huge chunk) of (?:our|my) "
        r"(?:revenue|income|book|business|turnover|sales|work)\b",
        r"\blosing (?:this|you|it) would (?:really )?(?:hurt|kill|sink|finish)\b|\bwe need you\b|"
        r"\bi (?:really )?don't want to (?:go back|end up)\b",
        r"\b(?:we|i) (?:can't|cannot) afford to lose (?:this|you|it|the deal|the contract)\b|\bwe really need this\b",
    ),
)

# Our poor fallback admitted in words that stay weak whatever else the sentence says ('better than nothing'
# contains 'better'); only a strong alternative in the same sentence cancels these.
WEAK_ALT_ADMITTED = AnyOf(
    # interest gone quiet; nobody biting
    rx(
        r"\b(?:gone|went|has gone|have gone|going) (?:quiet|cold|silent|dark)\b",
        r"\b(?:other |our |my )?(?:funders|investors|clients|customers|buyers|backers|sponsors|donors|distributors|"
        r"publishers|labels|retailers) (?:have |has )?(?:pulled (?:back|out)|walked away|dried up|backed out|gone elsewhere)\b",
        r"\b(?:a trickle|dried up|drying up|next to nothing|pocket money)\b",
        r"\b(?:explored|tried|asked|approached|pitched|looked at|sounded out|talked to)\b[^.?!]{0,60}\b(?:weren't|wasn't|"
        r"were not|was not|aren't|isn't) (?:keen|interested|willing|biting|able)\b",
        r"\b(?:got|getting|get) nowhere\b|\bhad no luck\b",
        r"\b(?:there isn't|there's not|there is not|there's no|there is no) (?:really )?(?:anyone|anybody|one) else\b",
        r"\b(?:nobody|no one|no-one) (?:else )?(?:in|around|across) (?:the|this) [a-z]+ (?:is|are|has|have|will)\b",
        r"\b(?:nobody|no one|no-one|none of them)(?:'s| has| have)? (?:bitten|biting|bit|interested|come back|called back)\b",
        r"\b(?:neither|none of them|nothing) (?:went|came|has gone|have gone|led) (?:anywhere|to anything)\b",
        r"\b(?:nobody|no one|no-one) (?:else )?(?:is|was|has been) (?:offering|paying|buying|biting|willing|interested)\b",
    ),
    # this is the only option; we have to make it work
    rx(
        r"\b(?:the|my|our) only (?:other )?(?:conversation|prospect|bite|opportunity|opening|enquiry|inquiry|lead)s?\b",
        r"\b(?:only|one) (?:show|game) in town\b|\b(?:it's|it is) (?:this|you|that) or\b",
        r"\b(?:so |realistically |honestly |really )this is (?:the|our|my) (?:only )?(?:path|route|way|option|shot)\b",
        r"\b(?:we|i) (?:don't|do not) (?:have|really have) (?:a |any )?(?:real |proper |other )?(?:plan|route|way forward)\b",
        r"\b(?:have|need|got) to make (?:this|it) (?:one )?work\b",
        r"\bonly other (?:work|thing|job|gig|option|offer|route|buyer|contract|opening|income)s? (?:open|available|on the "
        r"table|going|out there|we have|i have)\b",
        r"\b(?:much |far )?rather make (?:this|it) work\b[^.?!]{0,40}\b(?:even if|closer to your)\b",
        r"\b(?:don't|do not|haven't|have not) (?:have|got) (?:any )?other (?:[a-z]+ )?(?:conversations|offers|options|"
        r"buyers|customers|leads|bidders|prospects|talks)\b",
    ),
    # business already lost, shrinking or closing
    rx(
        r"\b(?:we've|we have|i've|i have) lost (?:\w+ )?(?:pitches|bids|tenders|deals|clients|customers|contracts|accounts|"
        r"auditions|roles|jobs)\b",
        r"\b(?:existing|current|main|only|biggest) (?:buyer|customer|client|outlet|distributor|contract|account)\b"
        r"[^.?!]{0,20}\b(?:is )?(?:winding down|closing|leaving|pulling out|going bust|exiting|dropping us|ending)\b",
        r"\b(?:current|existing|main|only|biggest) (?:customer|client|buyer|account|outlet)\b[^.?!]{0,20}\b(?:is )?"
        r"(?:cutting|reducing|halving|dropping|shrinking)\b",
        r"\b(?:wind (?:it|things|the [a-z]+) down|close the doors|shut up shop|sell up)\b",
    ),
    # the fallback pays less, or the goods go for clearance
    rx(
        r"\b(?:other|only|alternative) (?:work|option|thing|jobs?|clients?|business|route|outlet|gigs?)\b[^.?!]{0,40}"
        r"\b(?:low[- ]margin|low[- ]paying|poorly paid|badly paid|peanuts|pittance|a trickle|barely|unpaid|loss-making)\b",
        r"\b(?:is|are|'s) (?:still )?better than (?:that|nothing|the alternative|what (?:we|i) (?:have|had|get|got))\b|"
        r"\bbeats (?:that|nothing|the alternative)\b",
        r"\ball (?:we'd|we would|i'd|i would|we|i) (?:have|had|'d have) left\b|\ball that's left\b",
        r"\b(?:goes|go|going|end up|ends up) (?:to|with|at) (?:the )?(?:discounters?|clearance|liquidators?|scrap|landfill|"
        r"auction|spot market|outlet)\b",
        r"\b(?:the )?(?:other|only other) (?:buyers?|customers?|clients?|outlets?|options?|offers?|bidders?|takers?|"
        r"publishers?|labels?|platforms?|channels?|markets?)\b[^.?!]{0,60}\b(?:lower|less|smaller|worse|cheaper|fraction|"
        r"half|tiny)\b",
        r"\bonly (?:paying|pays|offering|offers|giving|gives)\b[^.?!]{0,50}\bso\b",
        r"\b(?:what (?:i|we) have|(?:my|our) (?:other )?options?|the alternatives?|(?:my|our) fallback|plan b)\b[^.?!]{0,30}"
        r"\b(?:isn't|is not|aren't|are not|not) (?:great|good|much|brilliant|attractive|ideal|pretty)\b",
        r"\bthe other (?:route|road|option|path)\b[^.?!]{0,80}\b(?:gap|less|lower|worse|fill ourselves|only|barely)\b",
    ),
    # what happens if we are not chosen
    rx(
        r"\bif (?:we're|we are|i'm|i am) not (?:in|on|part of|with|selected|chosen|picked|listed|accepted)\b[^.?!]{0,60}"
        r"\b(?:we|i)(?:'d| would| will|'ll)\b",
        r"\bwithout (?:your|the|this) [a-z]+\b[^.?!]{0,50}\b(?:would|'d|will) (?:just )?(?:sit|rot|gather dust|go nowhere|"
        r"struggle|fold|die)\b",
        r"\b(?:it's|it is|that's|that is) back to\b",
        r"\bif (?:we|i) (?:walk|walk away|lose this|say no|pass)\b[^.?!]{0,40}\b(?:dark|idle|dies|empty|nothing|stops?|"
        r"shuts?|closes?)\b",
        r"\bif (?:we|i) (?:can't|cannot|don't|do not) (?:place|sell|land|win|get|secure) (?:it|this|them|the [a-z]+) "
        r"(?:with|to|from) (?:you|your)\b",
        r"\b(?:not|isn't|is not|wouldn't be|won't be) (?:sustainable|viable|workable|an option for long)\b",
        r"\brather be (?:[^.?!]|\.\d){0,60}\bthan (?:sitting|being|standing) (?:idle|around|at home)\b|\b(?:sitting idle|"
        r"doing nothing)\b[^.?!]{0,20}\b(?:otherwise|instead)\b",
    ),
    # relying on them
    rx(
        r"\b(?:we'd|i'd|we would|i would) (?:be|have to) (?:relying|rely|depending|depend|falling back|fall back) on\b",
        r"\b(?:we|i) (?:really |basically |pretty much |realistically |completely )?(?:depend|rely|are dependent|are reliant) "
        r"on (?:you|your)\b",
    ),
)

# Calm about losing the deal ('if it doesn't come our way, that's fine'): not a weak fallback.
CALM_LOSS = rx(r"\b(?:that's|that is|it's|it is|we'd be|we're|we'll be|i'd be|i'll be) (?:quite |perfectly |totally )?"
               r"(?:all right|alright|fine|okay|ok|no problem|not a problem)\b|\bunderstand either way\b")
# A fallback named and judged poor in the same sentence: 'if it's not you we're looking at X, and X is ruinous'.
ALT_REFERENCE = rx(
    r"\b(?:otherwise|if not|if (?:it's|it is) not (?:this|you|this one|them)|if (?:this|it|that|the deal) (?:doesn't|does not|"
    r"won't|falls through|fails|goes nowhere)|fallback|alternative|other option|plan b|the only other|without (?:this|you|it)|"
    r"back to|we're looking at|we'd be looking at|i'd be looking at|we'd (?:have to|keep|go back)|i'd (?:have to|keep|go back))\b"
)
NEGATIVE_EVAL = rx(
    r"\b(?:about |around |maybe |only |roughly |at |for |pays |paying )half\b|\bhalf (?:of|what|the)\b|"
    r"\b(?:ruinous|grim|bleak|terrible|awful|dire|poor|weak|dead|slow|patchy|thin|fraction|a fifth|a third|a quarter|"
    r"tiny|not great|isn't great|much less|far less|a lot less|lower|worse|painful|brutal|miserable|pittance|peanuts|"
    r"nothing like|nowhere near|step down|step up|big step up|hand to mouth|barely)\b"
)
# Turn level: a fallback named in one sentence, judged poor or drawn on to accept in another.
FALLBACK_REFERENCE = rx(
    r"\b(?:otherwise|if (?:we|i) (?:don't|do not|can't|lose)|if (?:this|it|that|the deal) (?:falls? (?:over|through)|doesn't|"
    r"does not|won't|fails)|without (?:your|you|this|it)|if not (?:you|this)|if (?:it's|it is) not (?:you|this)|plan b|"
    r"fallback|(?:the|our|my) alternative|other option|nothing (?:else )?lined up|nothing on the table|back on the|"
    r"(?:we|i) (?:sell|continue|carry on|keep going|go on) (?:to|at|with|in|selling|doing)|our own [a-z]+ (?:product|channel|"
    r"shop|store|site))\b"
)
POOR_OR_YIELDING = rx(
    r"\b(?:not much|isn't much|is not much|not a lot|for less|less money|lumpy|patchy|a fraction|a lot better than nothing|"
    r"better than nothing|is a win|(?:is|it's) (?:really )?the one|(?:is|it's) the plan|rather find a way|pretty open|"
    r"(?:i'll|we'll|i will|we will) (?:probably |just )?take (?:it|what|that|whatever)|hope (?:for the best|the)|"
    r"(?:about|maybe|only|at|pays) (?:half|forty percent|a third|a quarter)|nobody hires|nothing lined up|"
    r"better (?:for us )?to be with you)\b"
)
# The other side asking what we would do without them: the answer names our fallback.
ASKS_FALLBACK = rx(
    r"\b(?:otherwise|alternative|plan b|what (?:would|will|do) you do|what happens (?:if|to you)|what else|"
    r"where else|if we (?:don't|pass|say no|walk)|without us)\b[^.?!]*\?"
)
# A candid aside about one's own bad situation ('honestly, the pipeline is thin') usually discloses a weak fallback.
CANDOR = rx(
    r"\b(?:honestly|to be honest|i'll be honest|i'll be straight|frankly|truth is|i'll level with you|between us|"
    r"realistically|if i'm honest|in all honesty|truthfully|in fairness|to be candid|to be frank|truth be told)\b"
)
BAD_SITUATION = rx(
    r"\b(?:hard|tough|thin|slow|quiet|struggl\w*|nothing|worse|lose|lost|losing|no other|only other|barely|dead|empty|"
    r"nobody|no one|not much|not many|not great|limited|few|stuck|back to|without (?:it|this|you)|otherwise|"
    r"if (?:this|we|it|you) (?:don't|doesn't|can't|lose|lost|fall|falls|go|goes)|poor|weak|bad|difficult|risky|half|"
    r"fraction|alternative|fallback|plan b|disaster|brutal|ugly|grim|idle|shelf)\b"
)
# The other branch of a trade just offered ('...I'll start in September; otherwise I'd need November').
OTHER_BRANCH = rx(r"^\s*(?:otherwise|if not|failing that|or else)\b")
# Showing the cost or weakness of *their* alternative: switching costs, time to qualify someone new.
CHALLENGE_ALT = rx(
    r"\b(?:switching|moving|changing|transition(?:ing)?|migrat(?:e|ing|ion)|re-?qualif(?:y|ying|ication)|re-?certif(?:y|ying|ication)|"
    r"onboard(?:ing)?|ramp(?:ing)?[- ]up|replac(?:e|ing)|bring(?:ing)? (?:it|this) in-house|in-?sourc(?:e|ing)|"
    r"qualif(?:y|ying)|new (?:supplier|vendor|provider|partner|hire|candidate))\b[^.?!]{0,80}\b(?:would|will|could|takes?|"
    r"cost|costs|mean|risk|months?|weeks?|years?|delay|disrupt|downtime|expensive|time|set you back)",
    r"\b(?:how long|what would it cost|how much would it cost|what would it take)\b[^.?!]{0,60}\b(?:to )?(?:switch|replace|"
    r"qualify|certify|onboard|ramp|move|bring|find|train|rebuild|transition|migrate)",
    r"\b(?:no one|nobody|no other (?:supplier|vendor|firm|provider|candidate))(?: else)? (?:can|could|has|is able|offers)\b",
    r"\byour (?:other|alternative|backup|fallback|in-house) (?:options?|suppliers?|vendors?|candidates?|plan|team|route)\b"
    r"[^.?!]{0,60}\b(?:would|will|can't|cannot|won't|isn't|aren't|lack|doesn't|don't|takes?|costs?|risk|months|slower)",
    r"\b(?:compared|against|versus|vs\.?) (?:your|all your|the) (?:alternatives?|other options?|other suppliers?|"
    r"other candidates?|plan b)\b",
    r"\bconsider (?:it|this|our (?:offer|proposal)) against (?:all )?your (?:alternatives|other options)\b",
    r"\btransition risk\b|\bswitching costs?\b|\bcertification\b|\bqualification (?:process|cycle|period)\b",
)

# --- power and deference -----------------------------------------------------------------------------------------
# Deference: giving weight to their size or our smallness, leaving the terms to them, or giving ground unasked.
DEFERENCE = AnyOf(
    # their size, standing or reputation
    rx(
        r"\byou(?:'re| are) (?:so |much |far |a lot |clearly |obviously )?(?:bigger|larger|stronger|more powerful|the bigger|"
        r"the larger|the market leader|in (?:charge|control|a stronger position|the driver's seat)|holding all|"
        r"the (?:big|biggest|largest|dominant|key) (?:player|client|customer|one|investor|fish|company))",
        r"\b(?:given|considering|with) (?:your|the) (?:size|scale|position|power|clout|market share|weight|reputation|"
        r"bargaining power|importance)\b",
        r"\b(?:since|as|because) you(?:'re| are) (?:the|a) (?:big|bigger|major|key|largest|dominant|important|much bigger)",
        r"\b(?:a|an|the) (?:[a-z]+ )?(?:retailer|chain|client|company|system|club|bank|group|platform|partner|brand|firm|"
        r"organi[sz]ation|customer|buyer|investor|fund|network|studio|publisher|label|hospital|institution|player|"
        r"operator|carrier|airline|university|county|city|agency) (?:like yours|like you|your size|of your size|"
        r"of your scale|of your stature)\b",
        r"\bfor (?:a|an) (?:retailer|client|customer|partner|name|brand|company|platform) like (?:you|yours)\b",
        r"\byou(?:'re| are) (?:clearly |obviously )?the (?:bigger|larger|stronger|more powerful|dominant) (?:party|side|player|company|one|partner)\b",
        r"\b(?:given|considering|seeing) how (?:big|large|important|powerful|dominant|established|influential|well[- ]known) (?:you|your)\b",
        r"\bno need to ask\b|\bwith (?:a|an) [a-z]+ as (?:big|large|important|strong|well[- ]known) as yours\b",
        r"\byou(?:'re| are) (?:one of|among) the (?:top|biggest|largest|leading|best|major)\b",
        r"\b(?:a|an) (?:company|client|customer|firm|name|brand|partner|player|investor|buyer|organi[sz]ation) (?:of|with) "
        r"your (?:size|stature|scale|standing|reputation|reach|profile)\b",
        r"\byou(?:'re| are) (?:huge|massive|enormous|the (?:market )?leader|a (?:giant|household name|big name|huge name)|"
        r"the (?:biggest|largest|best[- ]known)|(?:so|much|far) (?:bigger|larger|more established))\b",
    ),
    # their power, or their choice of partners
    rx(
        r"\byou (?:hold|have|control) (?:all |most of )?(?:the )?(?:cards|power|leverage|upper hand|whip hand)",
        r"\byou(?:'ve| have)? (?:could|can) (?:easily |just )?(?:work with|pick|choose|go to|replace|find|hire|sign) "
        r"(?:anyone|anybody|someone else|whoever|any)\b",
        r"\b(?:has|have|got|'ve got) (?:plenty of|lots of|so much|a lot of|endless|no shortage of|a long) "
        r"(?:choice|options|alternatives|suppliers|candidates|applicants|bidders|waiting list)\b",
        r"\bholding (?:all )?the cards\b|\bbiggest players?\b|\bmuch bigger (?:properties|clients|names|players|brands|"
        r"companies|accounts)\b|\bknow (?:this|the) (?:market|business|industry) (?:far |much |a lot )?better\b",
        r"\b(?:given|considering) (?:the|all the) (?:volumes?|business|work|opportunit(?:y|ies)|exposure) you\b",
        r"\byou hold the (?:purse strings|cards|keys|power|aces)\b|\bwith all the options\b",
        r"\byou(?:'ve| have)? (?:got )?(?:hundreds of|so many|plenty of|lots of|many|endless|tons of|a lot of|thousands of|countless) (?:other )?(?:suppliers|options|vendors|candidates|choices|alternatives|applicants|bidders|agencies|artists|partners|buyers|sellers|providers|people|firms|tenants|offers)\b",
        r"\byou could (?:get|find|buy|source|hire|replace|do) (?:this|it|that|us|me|someone)\b[^.?!]{0,20}\b(?:anywhere|elsewhere|from anyone|cheaper|easily|tomorrow)\b",
        r"\byou know (?:the|this) [a-z]+ (?:far |much |a lot |so much )?better than (?:us|me|we do|i do)\b",
    ),
    # our smallness or weak position
    rx(
        r"\b(?:we're|we are|i'm|i am) (?:just |only )?(?:a )?(?:small|tiny|little|minor|young|new|junior|no one|nobody|"
        r"in no position|not in a position|not really in a position|in a weak position|the smaller)\b",
        r"\b(?:we|i) (?:can't|cannot|can not|couldn't) (?:really )?(?:push back|argue|say no|refuse|compete with you|"
        r"afford to (?:lose|upset|annoy|offend) you|risk (?:losing|upsetting|annoying) you)",
        r"\b(?:we|i) (?:know|understand|realise|realize|accept|appreciate|recogni[sz]e) (?:that )?(?:you|we)(?:'re| are| have| hold|"
        r"'ve got)? (?:much |far |a lot )?(?:bigger|stronger|the stronger|in (?:a|the) stronger|all the|more (?:power|leverage)|"
        r"the power|the leverage|not in|in no|the weaker|a small|small|the smaller|can (?:go|walk|switch|find|replace)|"
        r"could (?:go|walk|switch|find|replace)|have (?:plenty of|lots of|many|other) (?:options|alternatives|suppliers))",
        r"\bwe (?:know|understand) (?:we|you) (?:can't|cannot) (?:ask|expect|demand) (?:for )?much\b",
        r"\bwho are we to\b|\bwe'll take what we can get\b|\bbeggars can't be choosers\b",
        r"\b(?:for|with) (?:a|an) (?:[a-z]+ )?(?:company|firm|studio|business|brand|outfit|supplier|shop|team|player|"
        r"outfit|operation|band|practice|agency) (?:like|of) (?:ours|our size|mine|us|my size)\b|\b(?:a|an) [a-z]+ our size\b",
        r"\b(?:we'd|i'd|we will|we'll) defer to you\b|\bdon't have (?:much|any) leverage\b|\bhave much leverage\b",
        r"\bnot (?:really |exactly )?in a (?:place|position) to (?:negotiate|haggle|push|argue|ask|demand|hold out)\b",
        r"\byou(?:'re| are) the (?:client|customer|boss|buyer|investor)\b|\b(?:we're|we are|i'm|i am) (?:easily )?replaceable\b",
        r"\b(?:we're|we are|i'm|i am) (?:a|an|only a|just a) [a-z0-9-]+[- ]person\b",
        r"\b(?:we're|we are|i'm|i am) (?:just|only|merely) (?:a|an) (?:small|tiny|little|young|new|one-person|two-person|"
        r"independent|local|family)\b|\bwe(?:'d| would) be lucky\b|\b(?:it's|it is) a privilege\b",
        r"\b(?:we|i) (?:can't|cannot|couldn't) (?:really )?compete with\b|\byou don't (?:really )?need us\b|"
        r"\byou could (?:easily )?replace (?:us|me)\b|\bwe know (?:where we stand|our place)\b",
        r"\b(?:not|hardly|never) in a position to (?:negotiate|push|ask|haggle|argue|demand|hold out)\b",
        r"\bdon't have (?:much|any|a lot of) (?:leverage|bargaining power|room|power|clout|say)\b",
        r"\b(?:i|we) (?:know|realise|realize|understand) (?:i|we) can't (?:ask|expect|demand|push) (?:for )?(?:much|a lot|more)\b",
        r"\b(?:we're|we are|i'm|i am) (?:only|just|merely) (?:a handful|a few|\w+) (?:of us|people|staff|person|guys)\b",
        r"\bdon't take this the wrong way\b|\bin no (?:place|position) to (?:ask|push|negotiate|argue|demand)\b",
        r"\b(?:not|hardly|barely|in no) (?:really |much of |exactly )?(?:in )?(?:a |any )?position to (?:demand|ask|push|insist|"
        r"make demands|negotiate|be picky|hold out|argue)\b",
    ),
    # leaving the terms to them
    rx(
        r"\b(?:we'll|we will|i'll|i will|we'd|i'd|we can|happy to|we're happy to|we are happy to) (?:just )?(?:take|accept|go with|"
        r"agree to|live with|leave it to) (?:whatever|what(?:ever)? you)\b",
        r"\bwhatever you (?:think|consider|decide|feel|say|deem|want|prefer)\b[^.?!]{0,20}\b(?:fair|best|reasonable|right|works|appropriate)?",
        r"\bat your mercy\b|\byou call the shots\b|\byour call entirely\b|\bwe'll defer to you\b|\bwe defer to you\b",
        r"\b(?:thrilled|happy|grateful|delighted|glad) (?:with|for) (?:whatever|anything)\b",
        r"\bkeep (?:my|our) (?:rate|price|fee|ask)s? (?:low|down|modest)\b|\bfollow your lead on (?:price|pricing|terms|the numbers|money|rates?|fees?)\b",
        r"\b(?:i'll|we'll|i will|we will) (?:just )?(?:take|accept) what(?:ever)? (?:is|'s|you|you're|you are) "
        r"(?:offered|offering|give|giving|think)\b",
        r"\b(?:i|we) trust you to (?:be fair|do the right thing|look after us)\b|\byou know best\b|\bi'll leave it (?:up )?to you\b",
        r"\byou (?:set|make|decide|write) (?:the )?(?:market|rates?|prices?|pricing|terms|rules|standard)\b",
        r"\b(?:i|we) suppose you(?:'re| are) (?:right|the [a-z]+)\b|\byou(?:'re| are) the [a-z]+, (?:so )?you (?:set|decide|call)\b",
        r"\b(?:we|i)(?:'ll| will)? (?:just )?accept (?:it|that|this|the [a-z]+ you offered|your [a-z]+) as it stands\b",
        r"\bleave (?:the )?(?:number|price|rate|fee|figure|pricing|terms|amount|money) (?:up )?to you\b",
        r"\byou tell (?:us|me) (?:the|what|your) [a-z ]{0,20}(?:and|,) (?:we|i)(?:'ll| will) (?:make it work|do it|accept|"
        r"go with|take it)\b",
    ),
    # not wanting to push, seem greedy or be a nuisance
    rx(
        r"\b(?:we|i) (?:don't|do not) want to (?:rock the boat|upset|push (?:too|our luck)|be difficult|jeopardi[sz]e|"
        r"annoy|offend|lose you)",
        r"\bwe(?:'d| would) (?:never|hate to) (?:want to )?(?:push|challenge|question) (?:a|an|the|someone|you)",
        r"\b(?:not going to|won't|wouldn't want to|don't want to|never want to|'d never want to|would never want to|"
        r"wouldn't|not here to|not about to)\b[^.?!]{0,12}\b(?:ask for (?:the moon|much|too much)|make a fuss|"
        r"hold (?:you|anyone|the club) to ransom|be precious|pretend|seem greedy|be greedy|be difficult|"
        r"push (?:too hard|our luck|it|my luck)|fight you|haggle|quibble|argue|rock the boat|be a pain)\b",
        r"\b(?:don't|do not) want to lose (?:this|you|the deal|the contract|it)\b",
        r"\b(?:don't|do not|wouldn't|would not|never) want to (?:seem|appear|come across as|look|be seen as) (?:greedy|difficult|"
        r"demanding|ungrateful|pushy|unreasonable|awkward)\b",
        r"\b(?:i|we) (?:won't|will not|wouldn't|don't want to) (?:push|negotiate|haggle|make demands|argue)\b",
        r"\b(?:don't|do not|wouldn't|never|'d hate|would hate|hate) (?:want )?to (?:make|cause|create) (?:a |any )?"
        r"(?:problems?|trouble|issues?|fuss|waves|difficulties)\b",
        r"\b(?:don't|do not|wouldn't) want to be (?:the|that|a) (?:guy|person|one|supplier|vendor|agency|firm|partner) who\b",
        r"\b(?:wasn't|was not|not|won't|will not|wouldn't) (?:going )?to ask for (?:much|a lot|too much|the earth|the moon)\b",
        r"\b(?:don't|do not|wouldn't|never) want to be (?:a|any) (?:burden|nuisance|bother|pain|trouble)\b",
        r"\b(?:don't|do not) want to (?:seem|look|sound|come across as|be) (?:grasping|greedy|demanding|pushy|difficult|"
        r"cheeky|ungrateful)\b",
    ),
    # apologising for asking, or for talking money
    rx(
        r"\b(?:sorry to ask|hate to ask|feel bad|cheeky (?:ask|to ask)|if it's not too much)\b",
        r"\b(?:feel free to say no|i know (?:this|it) is (?:cheeky|a big ask|a lot)|i'm sure you get asked this)\b|\bcheeky\b",
        r"\bfeel (?:awkward|bad|uncomfortable|guilty|terrible) (?:asking|raising|bringing|even asking)\b|\bfoot in the door\b",
        r"\b(?:i know it's|i know this is|it's probably) (?:a lot|too much|cheeky|a stretch) to ask\b|\bi don't suppose\b",
        r"\b(?:apolog(?:ies|ise|ize)|sorry)(?: in advance)? (?:for|about) (?:asking|raising|bringing|even asking|the ask)\b",
        r"\b(?:completely|totally|fully|entirely) understand if not\b|\bno (?:worries|problem|offence) if not\b",
        r"\b(?:i know|sorry)\b[^.?!]{0,15}\b(?:this|it)(?:'s| is) (?:a bit |rather |really |a little )?(?:awkward|cheeky|a lot)\b",
        r"\bsorry to (?:be (?:a pain|difficult|a nuisance|awkward|cheeky)|bother you|push|ask)\b",
        r"\bsorry to (?:even )?(?:raise|bring up|mention|ask)\b",
        r"\b(?:awkward|embarrass\w*|mortif\w*|uncomfortable) (?:talking|discussing|asking about) (?:money|fees?|pay)\b|"
        r"\btalking money\b[^.?!]{0,20}\b(?:awkward|mortifying|embarrassing|uncomfortable)\b",
        r"\b(?:almost |a bit |slightly )?(?:embarrassed|ashamed|awkward) to (?:raise|ask|bring up|mention|talk about) "
        r"(?:money|fees?|price|pay|this|it)\b",
    ),
    # gratitude for being considered; praise of them or their offer
    rx(
        r"\b(?:we're|we are|i'm|i am) (?:just )?(?:grateful|thankful|lucky|honou?red|privileged) (?:to|for|that)\b",
        r"\bi owe (?:it|you|them|the club) (?:a lot|everything)\b|\bit's a big (?:club|company|firm|name|brand)\b",
        r"\bjust (?:being|to be) (?:on|in|with|part of) [^.?!]{0,30}\bwould be (?:huge|amazing|enough|great)\b",
        r"\b(?:happy|glad|grateful|thankful|thrilled|lucky) (?:that )?you(?:'re| are)? (?:even )?(?:considering|talking to|looking at|meeting|speaking with) (?:us|me)\b|\beven considering us\b",
        r"\b(?:working with you|being (?:with|on|in) (?:you|your)|a (?:deal|contract|partnership) with you) would be "
        r"(?:a big deal|huge|an honou?r|a dream|amazing|a privilege|career[- ]making)\b",
        r"\b(?:i'm|we're|i am|we are) (?:just |really |so )?(?:grateful|thankful|lucky) (?:for the (?:opportunity|chance)|to be "
        r"(?:considered|here|asked|chosen))\b",
        r"\b(?:admirers|fans|big fans|huge fans) of (?:your|you)\b|\bin awe of\b",
        r"\b(?:just |simply )?(?:happy|glad|thrilled|grateful|delighted) to be (?:in the (?:conversation|room|running|mix)|"
        r"considered|at the table|on (?:your|the) (?:radar|list|shortlist))\b",
        r"\b(?:means?|would mean) (?:so much|a lot|everything|the world) to (?:us|me)\b",
        r"\bmore than fair\b|\b(?:very|so|incredibly|really|extremely) generous\b|\bgiven who you are\b",
    ),
    # giving ground before they asked: cuts already made, gestures, money played down
    rx(
        r"\bgoodwill gesture\b|\bgesture of goodwill\b|\bas a (?:thank[- ]you|sign of good ?faith)\b",
        r"\b(?:we've|we have|i've|i have) already (?:taken|cut|knocked|sharpened|reduced|lowered|dropped|discounted|"
        r"trimmed|built in|shaved|come down)\b",
        r"\b(?:happy|glad|willing) to start (?:at|from) [^.?!]{0,20}\binstead of\b",
        r"\b(?:happy|willing|prepared|glad) to (?:take|accept|live with) (?:a )?(?:smaller|lower|thinner|reduced|tiny) (?:margin|fee|rate|cut|share|price|salary)\b",
        r"\bwe(?:'ve| have) (?:pre-?emptively|proactively) (?:cut|lowered|reduced|discounted|dropped|sharpened)\b",
        r"\bbefore you (?:even )?ask\b|\bto save you the (?:trouble|time|effort)\b",
        r"\b(?:we've|we have|i've|i have) (?:sharpened|cut|trimmed|reduced|discounted|lowered|dropped|shaved)\b[^.?!]{0,25}"
        r"\balready\b",
        r"\b(?:taken|knocked|stripped|cut|dropped|waived|thrown in|left out)\b[^.?!]{0,30}\b(?:completely |entirely )?for you\b",
        r"\b(?:the )?(?:margin|price|money|fee|rate|terms|pay) (?:is|are) (?:secondary|not the point|not what matters|"
        r"not important|a detail)\b",
        r"\b(?:happy|glad|willing|prepared) to (?:knock|shave|take) (?:a bit|a little|something|some|a few [a-z]+) off\b",
        r"\bno need to (?:counter|negotiate|haggle|go back and forth)\b|\bwithout (?:you )?(?:even )?(?:asking|being asked)\b",
        r"\b(?:kept|put|set|priced|pitched) (?:our|the|my) (?:price|rate|fee|quote|number) (?:right |already )?(?:at|near|to) "
        r"the (?:bottom|low end|floor|lowest)\b",
        r"\bas a (?:small |little |goodwill )?gesture\b|\bno strings(?: attached)?\b|\bnothing (?:asked )?in return\b",
        r"\b(?:we'll|we will|i'll|i will|we can|i can) (?:also |just |happily )?knock (?:another |a further |an extra )?"
        r"[^.?!]{0,15}\boff\b",
        r"\bbefore you (?:even )?(?:ask|asked|say it|said it|mention it|bring it up|raise it)\b",
        r"\bbefore (?:we|i) (?:even )?(?:get into|start on|begin|discuss)\b[^.?!]{0,30}$|\bto make it an easy yes\b",
    ),
)

# Giving it away unasked: pricing low from the start, matching their number, extras at no cost.
FREEBIE = rx(
    r"\b(?:we've|we have|i've|i have|we) (?:priced|pitched|quoted|set) (?:this|it|our [a-z]+|the [a-z]+)? ?(?:well |way |far )?(?:below|under|low|lower|keenly|sharply)\b",
    r"\b(?:go|jump|get) straight to (?:our|my) (?:best|lowest|final|bottom) (?:number|price|offer|rate)\b",
    r"\b(?:built in|included|added) (?:a |an )?(?:special |extra |additional )?discount\b",
    r"\b(?:drop|lower|cut|reduce|bring down) (?:my|our) (?:fee|price|rate|ask|number) to (?:match|meet|fit) your\b",
    r"\b(?:i|we)(?:'ll| will) (?:meet|match) your (?:number|price|budget|offer)\b",
    r"\b(?:happily|gladly) (?:take|accept) the (?:lower|bottom|low) end\b|\btake the (?:lower|bottom|low) end of\b",
    r"\bwhatever (?:number|price|rate|fee|figure) works for (?:you|your)\b",
    r"\b(?:we'll|we will|we can|i'll|i can)\b[^.?!]{0,20}\b(?:knock|take|cut|shave|drop|give)\b[^.?!]{0,30}\b(?:off|discount)\b[^.?!]{0,20}\b(?:straight away|right away|up front|upfront|immediately|from the start|to begin with|as a start)\b",
    r"\b(?:we'll|we will|i'll|i will) (?:also )?(?:absorb|eat|swallow|cover) (?:the|that|those|it|this)\b[^.?!]{0,30}"
    r"\b(?:ourselves|myself|cost|costs|fees?|on our side|for you)\b",
    r"\b(?:at no (?:extra |additional )?(?:cost|charge)|free of charge|on the house|on us)\b",
    r"\b(?:we'll|we will|we can|we could) (?:happily |easily |also )?(?:go|come) (?:lower|down|further) if (?:you|needed|"
    r"necessary|that helps)\b",
)
# A 'condition' that only serves their convenience is a gift, not a trade ('if that makes it easier for you').
GIFT_CONDITION = rx(
    r"\bif (?:that|it|this|[a-z -]{1,30}) (?:is|'s|would be|makes (?:it|things|life|this)|helps?|works) "
    r"(?:(?:a bit|a little|any|much) )?(?:easier|simpler|smoother|better for you|helps?|helpful|easier internally)\b",
    r"\bif (?:that|it) helps\b|\bif (?:that|it) makes (?:your|their) life easier\b",
)
GIFT_GIVE = rx(r"\b(?:we'd|i'd|we would|i would|we'll|i'll|we can|i can) (?:probably |happily |gladly |just |still )?"
               r"(?:take|accept|settle for|go (?:down )?to|drop to|do|lock|hold|throw in|add|include|waive)\b")
# An extra priced separately is not ground given.
NOT_FREE = rx(r"\b(?:price|charge|bill|quote|invoice) (?:it|them|that|this) (?:separately|as an extra|on top)\b|"
              r"\bat (?:extra|additional) cost\b|\b(?:priced|charged|billed|invoiced) at\b|\bas a (?:paid|priced|separate) (?:option|extra|add-on)\b")

# Structural deference, first half: a clause about the size gap (their size or choices, our smallness).
SIZE_GAP = AnyOf(
    # their size, standing or reach
    rx(
        r"\b(?:the|a|your) (?:biggest|largest|leading|dominant|top|best[- ]known|most (?:important|powerful|influential)) [a-z]+\b",
        r"\byou(?:'re| are) the (?:experts?|professionals|pros)\b|\b(?:honou?red|privileged|flattered) (?:you|that you|to be)\b",
        r"\byour (?:brand|name|reputation|logo|platform|network|reach|backing|stamp|badge|endorsement|audience) (?:behind|on|attached)\b",
        r"\b(?:you(?:'re| are)|your|you've got|you have|you know|you could|(?:a|the|an) [a-z]+ (?:like yours|like you|your size|"
        r"of your size))\b[^.?!]{0,40}\b(?:size|scale|big|bigger|biggest|largest|huge|major|leader|leading|top (?:ten|five|three|"
        r"player|client|customer|buyer)|pool|pipeline|waiting list|loads of|lots of|plenty|choice|anyone|options|power|clout|"
        r"flagship|volumes?|stature|reputation|pick of|the cards|leverage)\b",
        r"\b(?:everyone|everybody|every [a-z]+)(?: [a-z]+){0,4} (?:wants|is after|is queuing for|would love)\b",
        r"\b(?:you're|you are|they're|they are)\b[^.?!]{0,20}\b(?:a |an |the )?(?:national|global|multinational|international|"
        r"giant|massive|household)\b",
        r"\b(?:such an? |so )(?:important|big|key|valued|prestigious) (?:client|customer|account|partner|name)\b",
        r"\b(?:a|an|the) [a-z]+ (?:of your|with your) (?:standing|stature|calibre|caliber|size|reputation|profile|name)\b",
        r"\b(?:a|an) [a-z]+ like yours\b",
        r"\byou(?:'re| are),? (?:well,? )?(?:you|who you are)\b",
        r"\byou(?:'re| are) the (?:fastest[- ]growing|biggest|largest|leading|number one|no\.? ?1)\b",
    ),
    # their choice of partners, or their control
    rx(
        r"\b(?:hundreds|thousands|dozens|plenty|lots|loads|a queue|a line) of (?:people|candidates|applicants|suppliers|vendors|others|firms|agencies|bands|artists|tenants|companies)\b",
        r"\b(?:small fish|little guy|minnows?|underdog|junior partner)\b|\byou (?:hold|control|own|have) (?:most|much|all|the bulk|a lot) of\b",
        r"\bone of (?:many|dozens|hundreds|a (?:dozen|hundred|thousand)|[a-z]+ (?:providers|suppliers|vendors|agencies|firms))\b",
        r"\b(?:holds?|holding|has|have|control|controls) (?:the )?(?:purse[- ]strings|whip hand|upper hand|all the cards|aces|keys)\b",
        r"\b(?:dozens|hundreds|thousands|plenty|lots|loads|any number) of (?:other )?(?:[a-z]+ )?(?:players|providers|producers|"
        r"brands|studios|growers|makers|freelancers|designers|writers|contractors|operators)\b",
    ),
    # our smallness, or our need of them
    rx(
        r"\b(?:we're|we are|i'm|i am|for) (?:a|an|just a|only a) (?:small|tiny|little|[a-z0-9]+-person|young|new|minor)\b|"
        r"\bour size\b|\bwhere we (?:sit|stand)\b|\bfood chain\b|\bpecking order\b",
        r"\b(?:we're|we are|i'm|i am) (?:a |an |just a |only a )?(?:family|local|independent|one-man|one-woman|two-person|"
        r"boutique|start-?up)\b",
        r"\b(?:we|i) need (?:you|this|your [a-z]+) more than (?:you|they) need (?:us|me)\b",
        r"\b(?:we're|we are) (?:only |just )?(?:[a-z]+|\d+) (?:people|staff|employees)\b|\bwith (?:[a-z]+|\d+) staff\b",
    ),
)
# Structural deference, second half: a clause that gives way, in the same sentence or the next.
GIVE_WAY = AnyOf(
    # accepting, matching or working with what they asked
    rx(
        r"\b(?:no problem|not a problem|hard to say no|won't ask|not ask|fit around|go with your|barely matters|doesn't matter|don't mind|waive|i'll take it|we'll take|no need to|happy with|we'll accept|i'll accept|is no problem)\b",
        r"\b(?:make it work|won't fight|not going to|wouldn't want|won't charge|without charging|for free|free of charge|"
        r"no charge|match (?:it|that|your)|throw in|is fine|are fine|defer|grateful|happy to (?:accept|take|match|go|do)|"
        r"glad to accept|come down|drop (?:to|our|the)|cut (?:our|the)|knock|sharpen|be practical|be realistic|"
        r"price (?:myself|ourselves) out|fuss|won't push|not push|argue|be difficult|risk it|whatever you|stand in|"
        r"take (?:a|the) (?:hit|penny|cut)|accept (?:the|your)|rather not risk|can do|we'll do|i'll do|can't say no)\b",
        r"\b(?:we'll|we will|i'll|i will|we can|i can|we'd) (?:try to )?(?:work with|live with|absorb|swallow|eat|find)\b",
        r"\b(?:happy|glad|content) (?:just )?to (?:stay|be part|be in|be on|keep|have)\b",
        r"\b(?:use|go with|take) your (?:number|figure|price|rate|offer)\b",
    ),
    # extras free or at our cost; cuts already made
    rx(
        r"\b(?:at our (?:own )?cost|on the house|no (?:extra )?(?:charge|uplift)|without (?:a|any) [a-z]+ (?:uplift|increase|charge))\b",
        r"\balready (?:applied|taken|knocked|built in|included|given|factored)\b",
        r"\b(?:at cost|for nothing|no charge|come in (?:under|below|lower)|(?:go|come) (?:under|below) (?:the|our|your))\b",
        r"\bto make it an easy yes\b|\bbefore (?:we|i) (?:even )?(?:came|walked in|got here|get into|start)\b",
    ),
    # not asking for more, not pushing back
    rx(
        r"\b(?:won't|wouldn't|will not|would not) (?:need to |even )?ask (?:for )?(?:more|anything)\b|\bwon't need to ask\b",
        r"\bwon't (?:press|push|fight|quibble)\b",
        r"\bnot (?:gonna|going to) (?:come in |sit here and )?(?:ask|argue|push|fight|haggle)\b",
    ),
)
# A courtesy about their size, which gives nothing away when a firm line or a question follows it.
SIZE_ACK = rx(
    r"\b(?:i|we) know you(?:'re| are) (?:the|one of the) (?:biggest|largest|top|leading|main)\b",
    r"\b(?:a )?big deal for (?:a|an) [a-z]+ like (?:ours|us)\b",
    r"\brespect for that\b|\b(?:i|we) won't pretend otherwise\b|\bnot naive about (?:that|it)\b",
)
SIZE_ACK_YIELDS = rx(r"\bso (?:whatever|anything|we'll|i'll|we would|we'd|i'd)\b|\b(?:defer|live with|go along)\b")
HOLD_AFTER_ACK = rx(r"^\s*(?:but|however|that said|still|even so|and yet|before we|now,)\b")
# Holding a line: no further movement, our floor or final number.
FIRM = rx(
    r"\b(?:can't|cannot|won't|will not|not able to) (?:go|move|come down|drop|do) (?:any )?(?:lower|further|more|below|less)\b",
    r"\bno (?:further|more) (?:room|movement|discount)\b|\b(?:our|my) (?:best|final|floor|limit|bottom line)\b|"
    r"\bthat's (?:as far as|the limit|our limit)\b",
)
# Explaining the value to them ('which means you get ...'): a reason, not deference.
VALUE_FRAME = rx(r"\b(?:which|that) means\b|\bso you get\b|\bmeans you (?:get|have)\b|\bwhich is (?:exactly )?why\b|"
                 r"\bthat(?:'s| is) (?:exactly )?why\b")
# In the other side's line: pressing for movement. A concession that answers it is bargaining, not deference.
THEIR_PUSH = rx(
    r"\btoo (?:high|much|expensive|steep|rich|long|slow|low)\b|\b(?:is|are|'s|looks?|seems?) (?:high|steep|expensive|"
    r"a lot|pricey|rich)\b|\bover (?:our |the )?budget\b|\b(?:can|could|would) you (?:do|go|come|move|sharpen|get|drop|"
    r"meet|match|improve|take)\b|\bneed (?:you )?to (?:come down|move|do better|sharpen|be lower|get to|drop|improve)\b|"
    r"\b(?:cheaper|lower|better) (?:quote|offer|price|rate|elsewhere)\b|\bdoesn't work for us\b|\bwon't work for us\b|"
    r"\b(?:push|pushing|pushed) back\b|\bnon-?starter\b|\bwe need (?:more|less|better|a lower|a better)\b",
)

# --- substance: offers, trades and closing moves ---------------------------------------------------------------------
# A condition that turns movement into a trade.
CONDITION = AnyOf(
    # their move named as the condition, or a trade named as such
    rx(
        r"\bif (?:you|your|they|the client|you'd|you'll|you're|we can get|we get|we could get|in return)\b",
        r"\bin (?:exchange|return) (?:for|we|you|,)",
        r"\bprovided (?:that )?(?:you|your|we)\b|\bproviding (?:that )?you\b|\bas long as (?:you|your|we get)\b",
        r"\bon (?:the )?condition (?:that|you)\b|\bsubject to (?:you|your)\b|\bassuming (?:you|your)\b",
        r"\bin return\b|\bwe'd need .{0,40} in return\b|\btrade\b|\bswap\b|\bquid pro quo\b|\bonly if\b|\bwhen you\b",
        r"\bif we (?:agree|go|move|accept|do|give|extend|commit|drop)\b[^.?!]{0,80}\b(?:would|could|will|can) you\b",
    ),
    # our move tied to a condition, in either order
    rx(
        r"^\s*if\b[^.?!]{3,160},\s*(?:then )?(?:we|i)(?:'ll| will| can| could| would|'d)\b",
        r"\b(?:we|i) (?:could|can|would|'d|will|'ll) [^.?!]{0,60}\bif (?:the|your|you|they|that|this)\b",
        r"^\s*(?:then |so |ok,? |okay,? )?(?:meet|give|get|do|make|take|move|bring) (?:me|us)\b[^.?!]{0,80}\band (?:we|i)(?:'ll| will| can|"
        r" could)\b",
        r"\bif we (?:also |can |could )?(?:agree|get|include|add|tie|link|build in|put in|set|lock|sort|make)\b",
        r"\bif (?:the|your|that|this) [^.?!,]{1,40}\b(?:is|are|gets|get|stays|stay|goes|can be)\b",
        r"\bif [a-z]+ (?:is|are|stays|goes|comes) (?:at|to|below|above|under|over|down to|up to)\b",
        r"\b(?:plus|in exchange for|against|for) (?:a|an) [^.?!]{0,30}\b(?:at each|per|commitment|guarantee)\b",
    ),
)
# Moving toward them: lowering, extending, waiving, throwing in.
CONCESSION = rx(
    rf"\b{WE}\b[^.?!]{{0,30}}\b(?:can|could|will|'ll|would|'d|are happy to|are willing to|'re willing to|'re happy to|"
    r"am willing to|am happy to)(?:\s(?:also|happily|probably|easily|just|even|certainly|definitely|gladly|then|"
    r"still|be able to|be willing to|be happy to|be prepared to))*\s(?:drop|lower|reduce|cut|come down|go down|move down|bring down|"
    r"increase|raise|go up|come up|move up|extend|shorten|lengthen|waive|absorb|give up|throw in|include|accept|"
    r"meet you|split the difference|sweeten|stretch|improve|match|forgo|forego|remove|take off|shave|relax|loosen|"
    r"live with|agree to|go to|move to|offer more|offer another)\b",
    rf"\b{WE}\b[^.?!]{{0,20}}\b(?:'ll|will|can|could)\b[^.?!]{{0,8}}\b(?:do it for|do|make it|settle for|go with)\b"
    r"[^.?!]{0,20}(?:instead|then|less|more|your)",
    r"\b(?:ok(?:ay)?|fine|alright|all right|sure|fair enough|understood|right),? (?:we|i)(?:'ll| will| can| could)"
    r"[^.?!]{0,30}\b(?:drop|lower|reduce|come down|go|move|accept|agree|live with|do|take|give|waive|extend|cut)",
    r"\blet me (?:sweeten|improve|lower|drop|reduce|throw in|add)\b|\bto show (?:good ?will|goodwill|flexibility)\b",
    r"\b(?:we'll|we will|i'll|i will) (?:also )?(?:throw in|add|include) [^.?!]{0,30}\b(?:free|at no (?:extra )?cost|"
    r"no charge|for nothing|on us)\b",
    r"\bas a (?:gesture|sign) of (?:good ?will|goodwill|good faith)\b|\bwe(?:'re| are) prepared to (?:drop|lower|reduce|"
    r"come down|go|move|accept|waive|give|extend|cut|increase|raise)\b",
    r"\b(?:we|i) (?:can|could) (?:probably |also |even )?(?:give|offer|do) (?:a bit|a little|something|more|another|an extra|a further)",
    r"\bwe(?:'ll| will) (?:drop|lower|reduce|cut|waive|absorb|give up)\b",
)
# Words that make a number in the sentence an offer of ours.
OFFER_CUE = rx(
    r"\b(?:we|i) (?:can|could|would|will|'ll|'d|propose|suggest|offer|are offering|am offering|want|need|'re looking for|"
    r"are looking for|am looking for|ask for|are asking|'re asking|expect|'d accept|can accept|can do|can go|can offer)\b",
    r"\b(?:how about|what about|would you (?:take|accept|do|consider)|could you (?:do|go|accept|agree)|can you (?:do|go|accept)|"
    r"let's (?:say|do|go|settle|agree|make it)|our (?:offer|proposal|ask|price|rate|number|position|counter)|"
    r"counter(?:offer)?|propose|proposal|offer(?:ing)?|settle (?:at|on|for)|meet (?:at|in the middle)|make it)\b",
)
# Quoting their number or the status quo ('your offer of 120 days', 'currently we pay'): not our offer.
THEIR_NUMBER = rx(
    r"\byour (?:offer|proposal|price|number|figure|rate|quote|ask|counter|position|draft|terms?)\b",
    r"\byou (?:offered|proposed|said|quoted|asked for|mentioned|suggested|want|are asking)\b",
    r"\b(?:last year|currently|today we pay|we (?:currently|now) pay|the current|at the moment|used to)\b",
)
# An objective standard: market data, an index, a benchmark, a precedent.
OBJECTIVE_STANDARD = rx(
    r"\bmarket (?:rate|rates|data|price|prices|pricing|benchmark|standard|norm|median|average|practice|value|comparables?|"
    r"range|level|terms)\b",
    r"\bindustry (?:standard|average|benchmark|norm|practice|data|rate|median)\b|\bbenchmarks?(?:ing|ed)?\b",
    r"\b(?:cpi|consumer price index|inflation(?: index)?|ppi|index(?:ed|ation)?|libor|sofr|euribor)\b",
    r"\bprecedents?\b|\bcomparables?\b|\bcomps\b|\bgoing rate\b|\bsalary (?:survey|data|bands?)\b|\bsurvey\b",
    r"\baccording to\b|\bpublished (?:data|rates|figures|prices)\b|\bdata (?:from|shows|suggests)\b|\bthe median\b",
    r"\bthird[- ]party (?:data|valuation|appraisal|report)\b|\bindependent (?:valuation|appraisal|assessment|study|data|expert)\b",
    r"\b(?:glassdoor|gartner|forrester|levels\.fyi|mercer|pitchbook|carta|bloomberg|eurostat|bls|ons)\b",
    r"\bwhat (?:others|other clients|similar companies|peers|comparable firms) (?:pay|charge|get)\b|\bfair market\b",
)
# Closing moves: accepting the deal, rejecting their terms, walking away.
ACCEPT = rx(
    r"\b(?:we|i) (?:accept|agree to (?:that|those|these|this|the|your)|can accept (?:that|this|those)|have a deal)\b",
    r"^\s*(?:deal|it's a deal|you've got a deal|agreed|done|great, (?:deal|agreed|done)|perfect, (?:deal|agreed))\b",
    r"\blet's (?:shake on it|sign|close (?:on|it)|do it|go with that|lock it in)\b|\bthat works for us\b|\bwe can sign\b",
    r"\b(?:happy|glad|pleased) to (?:agree|accept|sign|go ahead)\b|\bsounds good,? let's\b",
)
REJECT = rx(
    r"^\s*no\b(?![ -]?(?:problem|worries|objection|doubt|need|rush|issue|pressure))|\b(?:we|i) (?:can't|cannot|can not|won't|will not|couldn't|could not) (?:accept|agree|do|go|take|sign|"
    r"live with|work with|support|justify|make (?:that|it|this) work)\b",
    r"\bthat(?:'s| is| does(?:n't| not)| won't| will not) (?:not |n't )?(?:acceptable|work|going to work|fly|possible|"
    r"feasible|a starter)\b",
    r"\b(?:unacceptable|not acceptable|non-?starter|deal[- ]breaker|out of the question|too (?:high|low|much|long|short|"
    r"expensive|steep|aggressive))\b",
    r"\b(?:we|i) (?:have to|must|need to) (?:decline|reject|say no|push back)\b|\bnot (?:able|prepared|willing) to\b",
)
WALK_AWAY = rx(
    r"\b(?:we|i)(?:'ll| will|'re| are|'m| am)? (?:going to )?(?:walk(?:ing)? away|walk out|pass on this|end (?:the|these|this) "
    r"(?:talks|negotiations?|discussion)|take (?:our|my) business elsewhere|go (?:elsewhere|with (?:the|our|another) other))\b",
    r"\bno deal\b|\b(?:we're|i'm) (?:done|out)\b|\blet's call it (?:off|a day on this)\b|\bthis (?:isn't|is not) going to work\b"
    r"[^.?!]{0,20}\b(?:walk|end|stop)|\bwe(?:'ll| will) have to walk\b|\bwe(?:'ll| will) pass\b",
)
# Greetings and pleasantries.
SMALL_TALK = rx(
    r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks?(?: you)?(?: for| so much)?|nice to|great to (?:see|meet)|"
    r"pleasure|how are you|how's|how was)\b",
    r"\b(?:weather|weekend|holiday|vacation|traffic|coffee|how are you|hope you(?:'re| are) well)\b",
)

# --- process: draft, agenda, sequence, cadence -----------------------------------------------------------------------
# Which process aspect a sentence is about; the first that matches wins.
ASPECT_WORDS: list[tuple[ProcessAspect, Folded]] = [
    (
        ProcessAspect.draft,
        rx(
            r"\b(?:draft|drafts|drafting|paper|template|standard (?:terms|contract|agreement|form|paper|msa)|"
            r"first (?:version|cut|pass)|term sheet|redline|mark-?up|boilerplate|contract form|format|documentation|"
            r"the document|pen|legal (?:team|department) (?:draft|prepare|write|put together))\b"
        ),
    ),
    (ProcessAspect.agenda, rx(r"\b(?:agenda|topics? (?:list|for)|what we cover|points to discuss|running order)\b")),
    (
        ProcessAspect.sequence,
        rx(
            r"\b(?:first|last|later|end|afterwards|after|before|park|save|defer|leave|park|once|then|until|at the end|"
            r"sequence|order|start with|begin with|tackle)\b[^.?!]{0,60}\b(?:price|pricing|fees?|rates?|money|cost|"
            r"valuation|salary|compensation|the (?:big|main|core|key|hard|tough|difficult|contentious|commercial) "
            r"(?:issue|question|point|item|terms?)|commercials?|numbers?|economics)\b",
            r"\b(?:price|pricing|fees?|rates?|money|valuation|salary|compensation|commercials|economics|numbers)\b"
            r"[^.?!]{0,40}\b(?:last|later|at the end|until the end|for the end|afterwards|down the line|once|after)\b",
            r"\b(?:smaller|minor|secondary|easier|easy|housekeeping|administrative|technical|operational|legal) "
            r"(?:points?|issues?|items?|terms?|stuff|things|clauses)\b[^.?!]{0,30}\b(?:first|to start|up front)\b",
        ),
    ),
    (
        ProcessAspect.cadence,
        rx(
            r"\b(?:cadence|schedule|calendar|monthly|quarterly|fortnightly|bi-?weekly|weekly|every (?:two|three|four|few|other) "
            r"(?:weeks|months)|next (?:meeting|session|call|round)|meeting (?:cycle|rhythm)|approval cycle|committee cycle|"
            r"reconvene|regroup in|circle back in|timeline|slot)\b"
        ),
    ),
]

# Proposing our own process: we draft, we set the agenda, substance first.
OWN_PROCESS = rx(
    r"\b(?:we'll|we will|i'll|i will|we can|let us|we'd rather|we prefer to) (?:draft|work|start) (?:from|off|on|with) (?:ours|our own|our "
    r"(?:template|paper|draft|version|form|standard))\b|\b(?:we'll|we will|i'll|i will) (?:do|write|prepare|hold) the (?:first )?(?:draft|pen)\b",
    r"\b(?:we'll|we will|we'd like to|we would like to|we'd prefer to|we can|let us|i'll|i will|i'd like to|we're happy to|"
    r"we are happy to|allow us to|we'll take the pen|happy to)\b[^.?!]{0,20}\b(?:draft|prepare|send|circulate|share|"
    r"write|put together|take the pen|hold the pen|propose)\b[^.?!]{0,30}\b(?:draft|first version|first cut|term sheet|"
    r"paper|agreement|contract|proposal|agenda|outline|heads of terms|terms|pen|document)",
    r"\b(?:let's|we'll|we will|we'd like to|i'd like to|we should|we propose to|we suggest we|can we|could we) "
    r"(?:start|begin|lead|open|kick off) with (?:the )?(?:price|pricing|fees?|rates?|money|valuation|salary|compensation|"
    r"commercials|economics|numbers|main|core|key|big|central|substance|substantive|commercial)\b",
    r"\b(?:price|pricing|fees?|rates?|valuation|commercials|economics|the numbers) (?:first|up front|before (?:anything|"
    r"the|we))\b",
    r"\b(?:let's|we'd like to|we want to|we need to|we should|i'd like to) (?:agree|settle|lock|nail down|align on) "
    r"(?:the )?(?:main|key|core|commercial|big|headline|principal|substantive)? ?(?:terms|points|issues|numbers|"
    r"economics|commercials|price)\b[^.?!]{0,30}\b(?:first|before|up front)\b",
    r"\b(?:our|my) (?:draft|template|paper|agenda|standard (?:terms|contract|form))\b[^.?!]{0,40}\b(?:as the|as a|as our)?"
    r" ?(?:base|basis|starting point|start)\b",
    r"\b(?:we'd|we would|i'd|i would) (?:propose|suggest) (?:a|an|the|that we|we) [^.?!]{0,30}\b(?:agenda|cadence|schedule|"
    r"sequence|order|timeline|weekly|call|meeting)\b",
    r"\b(?:i'll|i will|we'll|we will) (?:send|circulate|share) (?:an|the|a short|a proposed|our) agenda\b",
    r"\b(?:we|i) (?:need|want|prefer|'d prefer|would prefer) to (?:draft|hold the pen|take the pen|work from our|"
    r"use our|set the agenda)\b",
    r"\bnot (?:park|leave|defer|save) (?:the )?(?:price|pricing|fees?|rates?|money|valuation)\b",
)
# Setting the agenda ourselves: said right after a word of assent, it counters their order rather than accepting it.
OWN_AGENDA = rx(r"\b(?:let's|we'll|we'd like to|i'd like to) (?:put|add|have|keep) [^.?!]{0,30}\bon (?:the|that|this) agenda\b",
                r"\bsettled (?:in the same|at the same|together)\b")
# Refusing their process ('we'd rather not leave price to the end').
REFUSE_PROCESS = rx(
    r"\b(?:don't|do not|rather not|would rather not|'d rather not|instead of|rather than|not (?:leave|park|defer|save|use|"
    r"work from|go with|wait))\b"
)

# Accepting their process in one sentence.
ACCEPT_THEIR_PROCESS = AnyOf(
    # they hold the pen; we review, mark up or sign what they send
    rx(
        r"\b(?:send|share|circulate|use|work (?:from|off|with|on)|start (?:from|with)|go with|mark up|review|redline|comment on|"
        r"follow|fit (?:in with|around)|stick (?:to|with)|adopt|accept|take) (?:over |across )?(?:your|their|the client's|"
        r"the investor's|the company's)\b[^.?!]{0,30}\b(?:draft|paper|template|standard|terms|contract|form|agenda|"
        r"process|format|schedule|timeline|cadence|calendar|sequence|order|documents?|msa|term sheet|lead|approach)",
        r"\byour (?:legal (?:team|department|counsel)|lawyers|team|side|counsel|procurement) (?:can|could|should|will|may|"
        r"is welcome to) (?:draft|prepare|write|put together|send|take the (?:pen|lead)|do the (?:first|paperwork))",
        r"\b(?:you|you guys|your side|your team) (?:can|could|should|take|hold) (?:draft|prepare|take the pen|hold the pen|"
        r"set the agenda|lead|write (?:it|the|up)|put together the)\b",
        r"\b(?:happy|fine|ok(?:ay)?|glad|comfortable|content) (?:for|with|to let|letting) (?:you|your (?:[a-z]+ ){0,2}?(?:team|side|"
        r"lawyers|counsel|people|department|legal|procurement)) (?:to )?(?:draft|prepare|write|set|lead|take|hold|send|run|drive)\b",
        r"\b(?:we're|we are|i'm|i am) (?:happy|fine|ok(?:ay)?|glad|comfortable) (?:for you |with you |with your team |for your team )"
        r"?(?:to )?(?:draft|prepare|write|set the agenda|lead|take the pen|hold the pen|working from your|work from your|"
        r"to go with your|with your (?:draft|template|paper|agenda|schedule|sequence|order|cadence|proposal|format|process))",
        r"\b(?:we'll|we will|we can|i'll|i will) (?:just )?(?:wait for|wait on|review|mark up|comment on|redline|look at|"
        r"go through) your (?:draft|paper|template|term sheet|contract|version|standard)",
        r"\bno objection to (?:you|your)\b|\b(?:you|your [a-z]+) (?:holding|hold|take|taking) the pen\b",
        r"\bleave (?:the )?(?:paperwork|drafting|documents?|contract|agenda|structure|format|admin) (?:with|to) (?:you|your)\b",
        r"\bno need for (?:us|me) to (?:draft|prepare|write|send)\b|\b(?:we'll|we will|we can|happy to|i'll) use yours\b",
        r"\b(?:you|your [a-z]+)\b[^.?!]{0,15}\b(?:can|could|should) take (?:the |a )?first (?:pass|cut|go|stab|draft)\b",
        r"\bgo ahead and (?:draft|send|prepare|write|put together|set)\b",
        r"\bsend (?:us |me )?(?:over |across )?(?:your|the) (?:template|draft|paper|contract|form|standard|agreement|terms|documents?|docs)\b",
        r"\byou (?:can|could|should|guys can) (?:draft|send|prepare|write (?:it )?up|put together|set|run|structure|lead)\b"
        r"[^.?!]{0,30}\b(?:it|the|this|that|whatever|paperwork|contract|agreement|agenda|documents?|terms|process|schedule)\b",
        r"\b(?:we'll|we will|i'll|i will) (?:just )?(?:review|sign|look at|comment on|mark up|go through|work through) "
        r"(?:it|whatever|what) (?:you|your [a-z]+|they) (?:send|draft|prepare|put together|come up with|propose)\b",
        r"\b(?:happy|glad|fine|ok(?:ay)?) to (?:work|go|start) (?:from|with|off) (?:yours|your (?:version|side's|draft|template|"
        r"paper|agreement|contract|form))\b",
        r"\b(?:i'll|we'll|i will|we will) leave the (?:structure|format|paperwork|drafting|agenda|order|sequence|contract|"
        r"documents?|details) (?:up )?to you\b",
        r"^\s*(?:(?:fine|sure|ok(?:ay)?|great|of course|no problem),? )?(?:you )?(?:take|hold|have) the (?:lead|pen|wheel)\b",
        r"\b(?:you|your side|your team) (?:lead|drive|steer)\b(?! time)",
        r"\b(?:wait for|wait on|look out for) (?:your|their) (?:side's |team's |lawyers' |counsel's )?(?:first )?(?:draft|paper|"
        r"version|template|terms|redlines?)\b",
        r"\b(?:we'll|we will|i'll|i will|happy to) wait for (?:your|their|the [a-z]+'s|[a-z]+'s) (?:[a-z']+ ){0,2}(?:spec|"
        r"specification|draft|template|paper|contract|terms|documents?|paperwork|kpis?|version)\b",
        r"\byou (?:draw up|write up|draft|prepare|put together) (?:the|an|your) (?:agreement|contract|terms|paperwork)\b",
        r"\bwork (?:from|off) (?:yours|your (?:draft|template|version|paper|form|terms|documents?))\b(?:[^.?!]{0,12}"
        r"\bas (?:it is|they are|it stands|they stand|drafted))?",
        r"\b(?:your|the|their) [a-z ]{0,20}(?:memo|draft|template|form|paper|terms sheet|term sheet|contract) (?:is|are) "
        r"fine as (?:the|a|our) (?:starting point|basis|base)\b",
    ),
    # their format, procedure or terms, as they stand
    rx(
        r"\b(?:whatever|any) (?:format|template|paper|draft|process|structure|order|schedule|timeline|cadence|agenda) "
        r"(?:suits|works for|you|your|is (?:easiest|best|convenient) for)\b",
        r"\bwhatever (?:[a-z]+ ){0,3}(?:template|format|schedule|process|structure|paper|form|nda|contract|agenda|order|"
        r"timings?|cadence|rounds?|calendar|approach|documents?|sequence|paperwork)\b",
        r"\b(?:go with|use|accept|work (?:within|from|off|to)|work with (?!your (?:team|people))|fit (?:in(?:to)?|around|with)|adapt to|stick (?:to|with)|"
        r"follow|go straight to|happy with|fine with|ok with|okay with|review|sign)\b[^.?!]{0,20}\b(?:your|their)\b"
        r"[^.?!]{0,20}\b(?:form|template|paper|master|long-?form|standard|format|schedule|timings?|rounds?|process|agenda|"
        r"draft|nda|structure|cadence|calendar|team|version|documents?|docs|lawyers|counsel|legal|paperwork|sequence|order|"
        r"agreement|contract|wording|language|proposal|timeline|timetable|people)\b",
        r"\b(?:leave|hand|give)\b[^.?!]{0,40}\bto (?:you|your [a-z]+|them)\b[^.?!]{0,10}\bto (?:structure|draft|decide|set|handle|"
        r"write|paper|run|sort out|organi[sz]e)\b|\bhowever (?:you|they|your [a-z]+) (?:prefer|like|want|see fit)\b",
        r"\b(?:sign|take|accept) (?:it|this|that|the (?:contract|agreement|draft|paper)) as (?:it is|is|drafted|issued|written|"
        r"it stands|they stand)\b|"
        r"\bas (?:issued|drafted)\b",
        r"^\s*(?:fine|sure|ok(?:ay)?|great|perfect|no problem)[,.]? (?:your|their) (?:form|template|paper|draft|schedule|agenda|"
        r"format|process|terms)\b",
        r"\bflexible on how (?:this|it) (?:is|gets) (?:papered|documented|drafted|run)\b|\bhow (?:this|it) is papered\b",
        r"\b(?:we'll|i'll|we will|i will) (?:just )?adapt\b|\bwe'll fit (?:in|around)\b|\bi'll fit (?:in|into|around)\b",
        r"\b(?:don't|do not) mind who (?:drafts|writes|sets|runs|leads)\b|\b(?:do it|go|run it) your way\b",
        r"\b(?:use|go with|adopt|work (?:from|with|within)|stick to) the [a-z ]{1,25} (?:you've|you have|you) (?:already )?(?:got|use|used|have|proposed|suggested|sent)\b",
        r"\bwhichever (?:[a-z]+ ){0,3}(?:template|format|schedule|process|structure|paper|form|nda|contract|agenda|order|"
        r"version|paperwork|documents?)\b[^.?!]{0,40}\b(?:you|your|they)\b",
        r"\b(?:follow|go through|stick to|work within|use) (?:your|their) (?:usual |normal |standard |internal |own )?"
        r"(?:[a-z]+ )?(?:steps|procedure|route|rules|playbook|method|redlines|framework|workflow|checklist)\b",
        r"\bwork within (?:them|it|those|that)\b",
        r"\b(?:not|no need to) (?:worry|fuss|bother|overthink)\b[^.?!]{0,15}\b(?:about )?(?:the )?(?:structure|format|process|"
        r"order|paperwork|agenda)\b",
        r"\b(?:we'll|we will|i'll|i will) sign (?:it )?(?:when|once|as soon as) it (?:comes|arrives|lands|turns up)\b",
        r"\bwhatever (?:timetable|schedule|timeline|process|format|template|order|agenda|structure|paperwork|cadence)\b"
        r"[^.?!]{0,30}\b(?:you|your|they|their)\b",
        r"\b(?:sign|take|accept|go with) (?:it|this|that|them|the [a-z]+|your [a-z]+) as (?:it stands|they stand|it comes|"
        r"they come|is|it is|drafted|written)\b",
        r"\b(?:paper|document|write) (?:it|this|the deal) (?:up )?on your\b|\bhowever your (?:[a-z]+ ){1,2}(?:prefers?|likes?|"
        r"wants?)\b|\b(?:we'll|we will|i'll) (?:just )?slot in\b",
        r"\bwork within (?:the|your|their) (?:standard|usual|normal) (?:form|contract|terms|template|agreement)\b",
        r"\b(?:sign|take) (?:the|your) (?:standard )?(?:contract|agreement|terms|form) as it comes\b",
    ),
    # their agenda, order or sequence
    rx(
        r"\b(?:start|begin|kick off) with (?:the )?(?:smaller|minor|secondary|easier|easy|housekeeping|administrative|"
        r"technical|operational|legal|other) (?:points?|issues?|items?|terms?|stuff|things|clauses)\b",
        r"\bgo along with (?:the |your )?(?:order|sequence|agenda|schedule|format|process|approach|structure|plan|timeline|draft|template|paper)\b",
        r"\b(?:the|your) (?:order|sequence|agenda|schedule|format|process|approach|structure|plan|timeline) (?:you|they) (?:suggested|proposed|outlined|set out|sent|shared|laid out|prefer)\b",
        r"\byour (?:agenda|draft|template|paper|process|timeline|timetable|schedule|format|structure|plan|order|sequence|version) (?:looks|seems|is|sounds) (?:fine|good|great|ok|okay|perfect|sensible)\b",
        r"\byour (?:timeline|timetable|process|schedule|cadence|format|agenda|approach|structure|order|sequence) "
        r"(?:works|is fine|suits|sounds (?:good|fine|great)|makes sense)\b",
        r"\b(?:we'll|i'll|we will|i will|happy to) follow your (?:lead|process|timeline|format|agenda|schedule)\b(?! on)",
        r"\bgo along with the [a-z -]{0,30}(?:process|approach|order|plan|structure|steps|timeline|format) (?:you|they)\b",
    ),
    # the main issue parked until later, or until after signature
    rx(
        r"\b(?:let's|we can|happy to|fine to|ok to|okay to|we'll|sure,? let's) (?:leave|park|save|keep|defer|push|hold off on|"
        r"come back to|get to|handle|discuss|deal with|sort out|tackle) (?:the )?(?:price|pricing|fees?|rates?|money|"
        r"valuation|salary|compensation|commercials|economics|numbers|big (?:issue|question|ticket)|main issue|"
        r"hard (?:part|stuff|issues?)|contentious|the tough)\b[^.?!]{0,40}\b(?:last|later|end|after|until|for now|"
        r"down the line|once|next time|another time|afterwards)",
        r"\bpark [a-z -]{1,30} until\b|\bleave [a-z -]{1,30} (?:to|for|until) (?:the end|last|later|after)\b",
        r"\b(?:price|pricing|fees?|money|rates?|the numbers|commercials|comp|salary|rent) (?:can|could) wait\b",
        r"\bfees? (?:at|for) the end\b|\b(?:fees?|price|pricing|money|commercials) (?:last|at the end|later)\b",
        r"\b(?:get|come|move|turn) to (?:the )?(?:pricing|price|money|fees?|rates?|the numbers|commercials|salary|rent) (?:after|later|at the end|last|afterwards)\b",
        r"\b(?:we|i) can (?:talk|discuss|get to|come to|sort(?: out)?|figure out|deal with|cover) (?:the )?(?:price|pricing|money|"
        r"numbers|rates?|fees?|comp|compensation|salary|rent|the rest) (?:later|at the end|last|afterwards|down the line|"
        r"once|after)\b",
        r"\b(?:sort|settle|agree|deal with|figure out|work out|finali[sz]e|discuss|cover|handle|look at|tackle|revisit|"
        r"pick up|sort out) (?:the )?[a-z -]{1,25} (?:after (?:signature|signing|award|launch|go-live|the contract|"
        r"we sign|mobili[sz]ation|kick-?off|we start)|post[- ]signature|once (?:we've|we have|it's|the contract is) signed|"
        r"at a later (?:date|stage))\b",
        r"\b(?:price|pricing|money|fees?|rates?|the numbers|commercials|budget) (?:can|could|will) (?:come|follow|wait|be "
        r"sorted|be settled)(?: until)? (?:later|last|afterwards|at the end|after)\b",
        r"\b(?:sort|work|figure|iron|hash) (?:it |them |that |those )?out (?:during|after|once|later|down the line)\b",
        r"\b(?:we can|we could|happy to|let's|we'll) (?:do|discuss|cover|look at|talk about|sort|settle|pick up) "
        r"(?:the )?[a-z]+(?: [a-z]+)? (?:later|afterwards|down the line|at the end)\b",
        r"\b(?:agree|settle|discuss|sort|fix|finali[sz]e) (?:the )?(?:price|pricing|rates?|fees?|commercials|numbers|budget) "
        r"(?:after|once|later|at the end)\b",
        r"\b(?:pick|take|come back to|revisit|look at|sort) (?:the )?[a-z -]{0,25}(?:up )?(?:at|in|after|during) (?:the )?"
        r"[a-z-]+ (?:review|renewal|season|stage)\b",
        r"^\s*[a-z]+days it is\b|\bcan wait (?:till|until|for) (?:next|the) [a-z]+\b",
        r"\b(?:the )?[a-z]+(?: [a-z]+)? can wait (?:until|till) (?:after|i've|we've|i have|we have|once)\b",
        r"\bpick up (?:the )?(?:budget|price|pricing|rates?|fees?|money|numbers|commercials) (?:after|later|once)\b",
    ),
    # their schedule, cycle or cadence
    rx(
        r"\b(?:monthly|quarterly|every (?:two|three|four|six) (?:weeks|months)|your (?:schedule|calendar|cadence|"
        r"approval cycle|committee cycle|timeline))(?: (?:meetings?|calls?|check-?ins?|sessions?|reviews?|rounds?))? "
        r"(?:is|are|works|suits|sounds)\b[^.?!]{0,20}\b(?:fine|good|ok|okay|"
        r"great|us|for us|perfect)",
        r"\b(?:we'll|we will|we can|happy to) (?:fit|work|align) (?:in )?(?:with|around) your (?:schedule|calendar|cadence|"
        r"approval cycle|committee|timeline|process)",
        r"\b[a-z]+days (?:is|are|work|works) fine\b",
        r"\bfit (?:our|my|the) [a-z ]{1,25} (?:into|around|with) your\b",
        r"\b(?:weekly|monthly|quarterly|fortnightly|biweekly|bi-weekly|daily)\b[^.?!]{0,40}\b(?:works?|is fine|are fine|suits?|sounds? (?:good|fine)) for (?:us|me)\b",
        r"\bon your (?:cycle|schedule|calendar|timetable|timeline)\b[^.?!]{0,20}\b(?:fine|works|ok|okay|good|great)\b",
        r"\b(?:fit|work) (?:in )?(?:around|with|to) your (?:schedule|calendar|timeline|timetable|process|cycle|rhythm|"
        r"availability|diary)\b",
        r"\b(?:work|fit|plan) (?:around|in with|to) (?:whatever|any|the) [a-z -]{0,25}(?:slots?|dates?|times?|programme|"
        r"rota|shifts?|windows?|schedule|calendar|timings?) (?:they|you|your [a-z]+)\b",
        r"\bwhatever [a-z -]{0,30}(?:slots?|programme|dates?|rota|shifts?|windows?|running order|set ?list|timings?) "
        r"(?:suit|suits|work|works|they|you)\b",
        r"\bon (?:your|their) (?:[a-z']+ )?(?:timetable|schedule|timeline|calendar|cycle|cadence)\b",
        r"\b(?:slot|fit|plug) (?:into|in with|around) (?:your|their)\b",
        r"\b(?:monthly|quarterly|weekly|fortnightly)\b[^.?!]{0,40}\b(?:is|are) (?:fine|good|ok|okay|great) (?:with|for) "
        r"(?:us|me)\b",
    ),
)
# 'Whatever works for you' yields process only when the process is what is on the table (see analysis).
WHATEVER_WORKS = rx(r"\bwhatever works (?:best )?for (?:you|your [a-z]+)\b")
# Structural process yield: *their* process object plus a word of assent, with no counter-proposal.
THEIR_PROCESS_OBJECT = rx(
    r"\b(?:your|their|the [a-z]+'s)\s(?:[a-z-]+\s){0,2}?(?:draft|template|paper|contract|agreement|form|documents?|docs|"
    r"paperwork|nda|msa|sow|lease|term sheet|loi|agenda|schedule|timeline|timetable|calendar|cadence|rhythm|rounds|"
    r"process|procedure|format|structure|order|sequence|framework|boilerplate|wording|version|system|portal|workflow|"
    r"standard terms|standard|approval cycle|cycle|long-?form|usual terms|normal terms|house terms|terms and conditions|t&cs)\b"
)
ASSENT = rx(
    r"\b(?:fine|works|work for|ok|okay|sure|happy|glad|go with|use|using|follow|adapt|stick|accept|sign|no problem|"
    r"whatever|good with|comfortable|makes sense|sounds (?:good|fine|great)|of course|agreed|perfect|great|we'll (?:review|"
    r"mark|look|fit|work|wait)|i'll (?:review|mark|look|fit|work|wait))\b"
)
COUNTER_PROCESS = rx(
    r"\b(?:but|however|instead|rather|prefer|our (?:draft|paper|template|agenda|version|form)|we'll draft|i'll draft|"
    r"we draft|first,? (?:let's|we)|before we|not (?:sure|comfortable|happy)|can't|cannot|won't|change|move)\b"
)

# Right after their process proposal: a first sentence that goes along with it ('Sure, that works').
YIELD_TO_PROPOSAL = AnyOf(
    # a word of assent
    rx(
        r"\b(?:happy|glad|fine|ok(?:ay)?|sure|great|perfect|no problem|sounds good|that works|makes sense|works for us|"
        r"of course|absolutely|agreed|good idea|understood|no objection)\b",
        r"^\s*(?:yes|yep|yeah|sure|fine|ok(?:ay)?|great|perfect|no problem|of course|works|will do|go ahead|please do|"
        r"sounds (?:good|great|fine)|that's fine|that works|understood|absolutely|certainly|agreed|lovely|cool|"
        r"looking forward|send it (?:over|across)|happy with that)\b",
    ),
    # going along with it, or leaving the call to them
    rx(
        r"\b(?:we'll|we will|we can|i'll|i will|let's) (?:work|go|start|run|proceed|follow|use|fit|stick|wait|review|"
        r"mark (?:it|that) up|comment|take a look)\b",
        r"\bwhatever (?:format|works|suits|you|your)\b|\byour (?:call|choice|lead)\b",
    ),
)
# ...unless that first sentence pushes back.
PUSHBACK = rx(
    r"\b(?:but|however|instead|rather|actually|prefer|'d rather|would rather|counter|not so fast|hold on|wait|"
    r"before we|first,? let's|we'll draft|our draft|our paper|our template)\b"
)

# In the other side's line: proposing a process term that favours it, per aspect.
THEIR_PROCESS_OFFER: list[tuple[ProcessAspect, Folded]] = [
    (
        ProcessAspect.draft,
        rx(
            r"\b(?:we'll|we will|we'd|we can|let us|i'll|i will|our (?:legal|team|lawyers|counsel|procurement)|legal will|"
            r"we always|we usually|we normally|we generally|we prefer to|we'd prefer to|we like to)\b[^.?!]{0,50}"
            r"\b(?:draft|send (?:over |you |across )?(?:our|the|a) (?:paper|template|contract|draft|standard|term sheet|msa|"
            r"agreement)|prepare the (?:contract|agreement|document|term sheet|paper|first draft)|paper|template|"
            r"work (?:from|off|on) our|use our|put (?:the|a) (?:contract|draft|document|term sheet) together)",
            r"\bour (?:standard (?:terms|contract|agreement|form|msa|paper|template)|template|paper|draft|term sheet|"
            r"house (?:style|format|terms)|framework agreement)\b",
        ),
    ),
    (
        ProcessAspect.agenda,
        rx(
            r"\b(?:we've|we have|i've|i have|we'll|i'll|we will|i will|let me)\b[^.?!]{0,20}\b(?:set|put together|prepared|"
            r"drawn up|drafted|circulated|sent|share|send|run through)\b[^.?!]{0,15}\bagenda\b",
            r"\b(?:our|my|the) agenda\b",
        ),
    ),
    (
        ProcessAspect.sequence,
        rx(
            r"\b(?:leave|park|save|defer|keep|hold|push|come back to|get to|handle|discuss|tackle)\b[^.?!]{0,15}"
            r"\b(?:price|pricing|fees?|rates?|money|valuation|salary|compensation|commercials|economics|numbers|"
            r"the (?:big|main|hard|tough|difficult) (?:stuff|issues?|questions?|points?))\b[^.?!]{0,30}"
            r"\b(?:last|later|end|after|until|once|afterwards|down the line)\b",
            r"\b(?:price|pricing|fees?|rates?|money|valuation|salary|compensation|commercials|economics|numbers)\b"
            r"[^.?!]{0,30}\b(?:last|at the end|later|once (?:the|we|everything)|afterwards|down the line)\b",
            r"\b(?:start|begin|kick off|warm up|get going)\b[^.?!]{0,15}\b(?:with )?(?:the )?(?:smaller|minor|secondary|easier|"
            r"easy|housekeeping|administrative|technical|operational|legal|other|non-commercial|non-financial) "
            r"(?:points?|issues?|items?|terms?|stuff|things|clauses|matters)\b",
            r"\b(?:smaller|minor|secondary|easier|housekeeping|administrative|technical|operational|legal|"
            r"non-commercial) (?:points?|issues?|items?|terms?|clauses|matters)\b[^.?!]{0,20}\b(?:first|to start|up front)\b",
        ),
    ),
    (
        ProcessAspect.cadence,
        rx(
            r"\b(?:monthly|quarterly|fortnightly|every (?:two|three|four|six|few|other) (?:weeks|months)|once a (?:month|quarter))\b",
            r"\b(?:our|the) (?:approval|committee|(?<!across the )(?<!on )(?<!above )board|budget|procurement|review) (?:cycle|calendar|schedule|meeting)\b",
            r"\b(?:weekly|daily|fortnightly|monthly|regular|standing|recurring) (?:call|meeting|check-?in|sync|session)s?\b",
        ),
    ),
]
# In the other side's line: proposing paperwork, an order of topics or a meeting rhythm without an aspect word.
THEIR_PROCESS_TERMS = rx(
    r"\b(?:i'll|we'll|i will|we will|let me|i can|we can)\b[^.?!]{0,15}\b(?:send|draft|prepare|write up|put together|"
    r"circulate|get)\b[^.?!]{0,20}\b(?:draft|contract|agreement|terms|term sheet|paperwork|offer letter|documents?|docs|"
    r"paper|lease|renewal|order form|sow|msa|nda|heads of terms|loi|amendment)\b",
    r"\bour (?:lawyers|legal(?: team)?|counsel|team|people|solicitors|attorneys?) (?:will|can|would|'ll) (?:draft|prepare|send|"
    r"write|paper|put)\b",
    r"\b(?:let's|we'll|we should|we prefer to|we'd like to) (?:do|handle|cover|go through|settle|clear|agree) the "
    r"(?:rest|other points|details|terms|logistics|smaller|non-financial|legal|operational)\b[^.?!]{0,20}\bfirst\b",
    r"\b(?:price|rate|money|comp|compensation|salary|rent|fees?|the numbers) (?:can wait|comes? last|at the end|later)\b",
    r"\b(?:we'll|we will|let's) (?:meet|talk|speak|check in|reconvene|sync) (?:weekly|monthly|every|once a|each)\b",
    r"\b(?:our|the) (?:committee|(?<!across the )(?<!on )(?<!above )board|panel|approval group|investment committee|ic) (?:meets|sits|convenes) "
    r"(?:monthly|quarterly|every|once|next)\b",
)
