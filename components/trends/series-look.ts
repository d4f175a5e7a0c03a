// How the n-th module version's line looks: a colour of the Okabe-Ito
// palette (told apart by people with the common colour blindnesses) and a
// dash pattern, so that colour is never the only way to tell lines apart.

const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

export function seriesLook(index: number) {
  return { colour: COLOURS[index % COLOURS.length]!, dash: DASHES[index % DASHES.length]!, dashName: ["solid", "dashed", "dotted", "dash-dot"][index % DASHES.length]! };
}
