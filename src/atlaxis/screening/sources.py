"""Where each safety rule comes from, and how sure we are (the ``evidence`` tag).

``secondary``: read in a source quoting or summarising the primary one; ``unverified``:
background knowledge or a source named but not read -- listed in
``docs/reference/safety-rules.md`` under "to confirm before clinical use".
"""

from __future__ import annotations

from atlaxis.instruments.model import Source

CCR = Source(
    "Stiell IG, Wells GA, Vandemheen KL, et al. The Canadian C-spine rule for radiography in "
    "alert and stable trauma patients. JAMA 2001;286(15):1841-1848. Stiell IG, Clement CM, "
    "McKnight RD, et al. The Canadian C-spine rule versus the NEXUS low-risk criteria in "
    "patients with trauma. N Engl J Med 2003;349(26):2510-2518.",
    "secondary",
    "Criteria read in summaries quoting the papers (wikem.org, fpnotebook.com, Medscape), not "
    "in the papers. Imaging indicated -> refer_urgently is atlaxis' choice (same-day "
    "assessment because the injury is recent).",
)
CCR_GATE = Source(
    CCR.citation,
    "secondary",
    "Populations the rule does not cover, read in summaries (wikem.org, crossborderseminars."
    "com): non-trauma, age < 16, GCS < 15, unstable vital signs, acute paralysis, known "
    "vertebral disease, previous cervical spine surgery.",
)
IFOMPT_CERVICAL = Source(
    "Rushton A, Carlesso LC, Flynn T, Hing WA, Kerry R, Rubinstein SM, Vogel S. International "
    "framework for examination of the cervical region for potential of vascular pathologies "
    "of the neck prior to musculoskeletal intervention: International IFOMPT Cervical "
    "Framework. J Orthop Sports Phys Ther 2023;53(1):7-22 (IFOMPT framework document 2020).",
    "secondary",
    "Contraindications and precautions read in a summary of the framework (physio-pedia).",
)
FIVE_DS = Source(
    "5 Ds and 3 Ns of vertebrobasilar insufficiency (Coman 1986; Kerry and Taylor); "
    "Myers BJ, Davey D, Cook CE. Factors associated with cervical arterial dysfunction. "
    "J Man Manip Ther 2021;29(1):33-39. IFOMPT Cervical Framework (Rushton et al. 2020/2023).",
    "unverified",
    "To confirm: the sign list and the action levels against the IFOMPT 2020 PDF; the first "
    "citation is from memory. 'New in the last 3 months' is atlaxis' wording.",
)
CAD_PAIN = Source(
    "Swiss Archives of Neurology, Psychiatry and Psychotherapy 2017 "
    "(http://doi.emh.ch/sanp.2017.00529): head or neck pain can be the only early warning "
    "sign of a cervical artery dissection. IFOMPT Cervical Framework (Rushton et al. 2023).",
    "unverified",
    "To confirm: the 'sudden, worst ever, unlike before' criterion is background knowledge.",
)
CAD_STROKE = Source(
    "Swiss Archives of Neurology, Psychiatry and Psychotherapy 2017 "
    "(http://doi.emh.ch/sanp.2017.00529): Horner's syndrome, cranial nerve palsy, TIA or "
    "stroke as features of dissection.",
    "unverified",
    "Horner's syndrome, cranial nerve palsy and TIA were read in a source; monocular vision "
    "loss, one-sided weakness or sensory loss and word-finding trouble are background "
    "knowledge. To confirm against the IFOMPT 2020 PDF.",
)
CAD_RISK = Source(
    IFOMPT_CERVICAL.citation,
    "unverified",
    "To confirm: the risk-factor list is from memory of the framework (the 2020 PDF tables "
    "were not read). Pregnancy/post-partum: incidence rate ratio 2.2 (95% CI 1.3-3.5), AHA "
    "abstract TMP60, Stroke 2020;51(Suppl 1).",
)
UCI = Source(
    "Magee DJ. Orthopedic Physical Assessment. 5th ed. 2007; Hutting N et al. Diagnostic "
    "accuracy of upper cervical spine instability tests: a systematic review. Phys Ther 2013; "
    "as summarised in teaching material (cervicalspine.wordpress.com; docest.com). Russek LN "
    "et al. Front Med 2023;9:1072764 (hypermobility).",
    "secondary",
    "Causes and symptoms read in summaries; the action levels are atlaxis' choice.",
)
RED_FLAGS = Source(
    "Finucane LM, Downie A, Mercer C, et al. International framework for red flags for "
    "potential serious spinal pathologies. J Orthop Sports Phys Ther 2020;50(7):350-372. "
    "Red-flag table, doi:10.1186/1746-1340-14-8 (table 1). IFOMPT Cervical Framework "
    "contraindications and precautions.",
    "secondary",
    "The frameworks' own scenario tables were not read; the action levels are atlaxis' "
    "mapping of 'contraindication' (refer) and 'precaution' (caution).",
)
