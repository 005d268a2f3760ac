"""
A minimal courseware for the sandbox: courses, their XBlocks, enrolments, completion,
course passing and course certificates, i.e. the parts of the LMS the plugins meet.
"""
