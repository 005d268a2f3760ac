"""
Inner Mongolia's hours registration form (学时登记表, Art. 12–13) as a workflow.

``service``: declaring a line (the learner), reviewing it (the unit: approve credits it
through ``api.add_entry`` with the evidence, reject sends the reason back), and the
deadline (20 December of the year, Asia/Shanghai).  ``views``: the learner's page and
the console's review pages.  ``export``: the year's form as the filed record (PDF per
learner, XLSX per unit).
"""
