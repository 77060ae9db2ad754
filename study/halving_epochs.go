package study

import "github.com/lossexp/lossexp/sweep"

// chainEpochs returns the epochs the stored run of plan index i at the
// rung of budget epochs cost, trained (its record's EpochsTrained) the
// epochs it added, prev the budget of the rung below it in the study's
// rungs (0 for the first). A run that continued from a run of a rung the
// study does not have (an earlier sweep.halving of the same folder,
// whose run is stored at the budget it started from) counts that run's
// epochs too, down to prev: the study's runs cost what they trained,
// whichever ladder trained them. A start with no stored run there (the
// checkpoint of an attempt killed mid-rung) ends the chain: those epochs
// are in no record.
func (st *Study) chainEpochs(store *sweep.Store, i, budget, prev, trained int) (int, error) {
	added := addedEpochs(trained, budget)
	for from := budget - added; from > prev; {
		id := st.Plans.WithBudget(from).At(i).ID
		if !store.Has(id) {
			break
		}
		rec, err := store.Load(id)
		if err != nil {
			return 0, err
		}
		a := min(addedEpochs(rec.EpochsTrained, from), from-prev)
		added, from = added+a, from-a
	}
	return added, nil
}
