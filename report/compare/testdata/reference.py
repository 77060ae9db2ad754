# Independent reference values for report/compare's tests (mpmath, 30 digits).
from mpmath import mp, mpf, sqrt, betainc, findroot
mp.dps = 30
def tsf(t, nu):  # P(T > t), t >= 0
    x = nu/(nu+t*t)
    return betainc(nu/2, mpf(1)/2, 0, x, regularized=True)/2
def tq975(nu):
    return findroot(lambda q: tsf(q, nu) - mpf('0.025'), 2)
def mean(x): return sum(x)/len(x)
def var(x):
    m = mean(x); return sum((v-m)**2 for v in x)/(len(x)-1)
A = [mpf(s) for s in ['0.80','0.82','0.85','0.79','0.84']]
B = [mpf(s) for s in ['0.83','0.86','0.84','0.85','0.88']]
d = [b-a for a,b in zip(A,B)]
n = len(d); md = mean(d); sd = sqrt(var(d)); se = sd/sqrt(n)
t = md/se; p = 2*tsf(abs(t), n-1); h = tq975(n-1)*se
print("paired mean", md, "t", t, "p", p, "ci", md-h, md+h)
va, vb = var(A)/len(A), var(B)/len(B)
se2 = va+vb; df = se2**2/(va**2/(len(A)-1)+vb**2/(len(B)-1))
t = (mean(B)-mean(A))/sqrt(se2); p = 2*tsf(abs(t), df); h = tq975(df)*sqrt(se2)
print("welch diff", mean(B)-mean(A), "t", t, "df", df, "p", p, "ci", mean(B)-mean(A)-h, mean(B)-mean(A)+h)
# paired with repeat 2 missing in B: pairs 0,1,3,4
d4 = [d[i] for i in (0,1,3,4)]
md = mean(d4); sd = sqrt(var(d4)); se = sd/sqrt(4); t = md/se
print("paired4 mean", md, "t", t, "p", 2*tsf(abs(t),3))
