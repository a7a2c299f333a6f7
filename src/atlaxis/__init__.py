"""atlaxis: measure fibromyalgia care honestly.

The science core (:mod:`atlaxis.instruments`, :mod:`atlaxis.screening`,
:mod:`atlaxis.outcomes`) is pure Python + numpy/scipy and usable as a library::

    from atlaxis.instruments import score
    score("phq9", {"1": 1, "2": 2, ...}).to_dict()
"""

__version__ = "0.1.0"
