"""`st.session_state` keys that one page sets for another (so pages never import each other for them)."""

BRIEFING = "briefing_scenario_id"  # the practice page opens this scenario's brief
FOCUS_FILTER = "focus_filter"  # the practice page's mistake filter (a list of mistake ids)
DEBRIEF_ID = "debrief_session_id"  # the debrief page shows this session
SUGGESTED_LINE = "suggested_line"  # the practice page offers this line ({"session": id, "text": ...}) in a branch
