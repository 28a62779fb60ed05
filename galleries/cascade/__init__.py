"""The Shared Image cascade: Account -> Resource group -> Gallery -> Image -> Version (-> details).

selection.py  what the user has chosen, read from a request's data
queries.py    the hand-written SQL reads, one indexed probe each (at most three per dropdown)
levels.py     each dropdown (Level) built from a Selection with those reads
views.py      the htmx fragments, the browse page, "Refresh this gallery"; `cascade_context`
              is what the group editor renders the whole cascade with
urls.py       mounted at /cascade/; level_urls.py the `level_url` template filter
templates/cascade/  the fragments and the browse page
"""
