"""
The credit-hour XBlock: tags a course required or elective with its hours, and
verifies learning time on the server (no credit for hang-up play, speed-up, seeking
ahead or two sessions at once).
"""
