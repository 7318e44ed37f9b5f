"""``kind: explain``: explanation questions answered by key points, backed by computation where possible.

An explanation exercise lists its key points (the rubric) in ``given.points``, each with a reference
sentence and the phrasings that show it is covered, in English and Chinese; ``given.experiment``
optionally names a small, seeded PyTorch experiment (:mod:`.experiments`) whose numbers back a point
(gradient norms across depth, a TextCNN trained on generated sentences, MACs against FlopCounterMode…).

- :mod:`.solve` reads the exercise, builds the reference answer as steps and verifies it;
- :mod:`.experiments` runs the experiments and turns their data into steps and checks;
- :mod:`.messages` holds the wording;
- :mod:`.rubric` matches prose against the key points' phrasings (:mod:`grader.rubric` grades with it).
"""
