"""Everyday reference texts: what a question that the letters do not answer tends to resemble.

multilingual-e5-small's cosines are compressed (0.75-0.9) and shift with the question's language
and wording, so no fixed cut-off on them tells an answerable question from an off-topic one: over
the sample letters the best sentence for "Wat is het recept voor appeltaart met kaneel?" scores
0.815, the best for "How does the cabinet handle staff scarcity?" 0.814. What does separate them
is how much closer the question is to the retrieved sentences than to ordinary, non-government
text about cooking, sport, travel, hobbies, trivia and so on. These texts are that reference; their
vectors are computed once per model and kept.
"""

from __future__ import annotations

import numpy as np

from brieven.kernel.encoder import Encoder, encoded_once

TOP = 5  # the question's similarity to everyday text: mean of its best TOP matches

EVERYDAY = (
    "Meng de bloem met de boter en de suiker, voeg de appels en kaneel toe en bak de taart 45 minuten op 180 graden.",  # noqa: E501
    "Preheat the oven, knead the dough for ten minutes and let the bread rise for two hours before baking.",  # noqa: E501
    "Fry the onions and garlic, add the rice and stock little by little, and stir until the risotto is creamy.",  # noqa: E501
    "Voor een goede soep snijd je de groenten klein en laat je alles een uur zachtjes trekken.",
    "Ajax won the match 3-1 after two late goals; the championship is decided next week.",
    "The final of the World Cup ended in a penalty shoot-out, and the captain lifted the trophy.",
    "De wielrenner won de etappe na een lange solo en pakte de gele trui in de Tour de France.",
    "She won the tennis tournament in straight sets and climbed to second place in the world ranking.",  # noqa: E501
    "De trein naar Utrecht vertrekt om 10.15 uur van spoor 5; reizigers kunnen overstappen in Amersfoort.",  # noqa: E501
    "Flights to Lisbon leave daily; book early for the cheapest fares and check in online.",
    "Het hotel ligt aan het strand, heeft een zwembad en het ontbijt is inbegrepen.",
    "Tomorrow will be sunny with temperatures around 22 degrees and a light breeze from the west.",
    "Morgen is het bewolkt met kans op regen en een temperatuur van ongeveer twaalf graden.",
    "The film won the Oscar for best picture, and the lead actress received a standing ovation.",
    "De zanger bracht een nieuw album uit en begint in het najaar aan een tournee door Europa.",
    "The novel tells the story of a sailor's obsession with a white whale.",
    "Een hond leer je zitten door hem te belonen met een snoepje zodra hij gaat zitten.",
    "Cats sleep up to sixteen hours a day and spiders have eight legs.",
    "Plant de tulpenbollen in de herfst, ongeveer tien centimeter diep, in goed doorlatende grond.",
    "To fix a flat tyre, remove the wheel, find the puncture, patch the inner tube and pump it up.",
    "Verf de muur eerst met een grondlaag en laat die goed drogen voordat je de tweede laag aanbrengt.",  # noqa: E501
    "This smartphone has a great camera, a bright screen and a battery that lasts two days.",
    "Restart your computer, update the drivers and reinstall the app if the problem persists.",
    "Een banaan bevat ongeveer honderd calorieën en is een goede bron van kalium.",
    "Run three times a week and stretch afterwards to build up your fitness without injuries.",
    "Learning Spanish is easiest with daily practice, flashcards and conversations with native speakers.",  # noqa: E501
    "Canberra is the capital of Australia, and Sydney is its largest city.",
    "Mars appears red because of iron oxide dust on its surface; a day there lasts about 24.6 hours.",  # noqa: E501
    "Water boils at a lower temperature at high altitude because the air pressure is lower.",
    "Julius Caesar crossed the Rubicon in 49 BC, starting a civil war in the Roman Republic.",
    "De ridder versloeg de draak en trouwde met de prinses in het kasteel op de heuvel.",
    "Move your knight to attack the queen; checkmate follows in three moves.",
    "Deze zomer zijn wijde broeken en felle kleuren helemaal in de mode.",
    "Tips voor een eerste date: kies een rustige plek, stel vragen en luister goed.",
    "Use a for loop to iterate over the list and print each element in Python.",
    "Schoonmaken gaat het snelst met azijn en een microvezeldoek.",
    "The new car has a hybrid engine, heated seats and a range of 800 kilometres.",
    "Happy birthday! We wish you a wonderful day with family and friends.",
    "Add two eggs, a cup of milk and a pinch of salt, then whisk until the batter is smooth.",
    "Serveer de pasta met verse basilicum, geraspte Parmezaanse kaas en een scheutje olijfolie.",
    "De koffie is het lekkerst met vers gemalen bonen en water van net onder het kookpunt.",
    "This cocktail mixes gin, tonic, ice and a slice of lime in a tall glass.",
    "De scheidsrechter floot af en de thuisploeg vierde het kampioenschap met de supporters.",
    "The marathon runner finished in just over two hours, a new course record.",
    "Het schaatsseizoen begint zodra het natuurijs dik genoeg is om veilig op te rijden.",
    "Our guided city tour visits the cathedral, the old market square and the castle.",
    "Neem zonnebrand, een handdoek en genoeg water mee voor een dag op het strand.",
    "Pack light, keep your passport safe and exchange some money before your holiday.",
    "The museum's most famous painting is a portrait with a mysterious smile.",
    "Deze roman over liefde en verraad werd een bestseller en wordt nu verfilmd.",
    "The band played all their greatest hits and the crowd sang along to every chorus.",
    "In deze aflevering van de serie ontdekt de detective wie de moordenaar is.",
    "The game lets you build a city, explore dungeons and battle dragons with friends.",
    "De goudvis heeft een ruime kom nodig en moet niet te veel gevoerd worden.",
    "Horses need fresh hay, clean water and regular visits from the farrier.",
    "Olifanten zijn de grootste landdieren en leven in kuddes onder leiding van een oudere koe.",
    "Dinosaurs lived millions of years ago; the largest were long-necked plant eaters.",
    "Snoei de rozen in het vroege voorjaar en geef ze regelmatig water bij droog weer.",
    "Mow the lawn once a week in summer and leave the clippings to feed the grass.",
    "Met een waterpas en een boormachine hang je de plank in een paar minuten recht op.",
    "Remove a wine stain by blotting it and rinsing with cold water and a little soap.",
    "Deze wasmachine is zuinig, stil en heeft een programma voor wol.",
    "The laptop has a fast processor, 16 gigabytes of memory and a lightweight aluminium body.",
    "Download the app, create an account and choose a password that is hard to guess.",
    "Druk op de aan-uitknop en houd hem tien seconden ingedrukt om het apparaat te resetten.",
    "Drink genoeg water, slaap acht uur en beweeg elke dag een half uur.",
    "Meditation starts with sitting comfortably, closing your eyes and focusing on your breath.",
    "Tegen hoofdpijn helpt rust, een glas water en zo nodig een paracetamol.",
    "Yoga improves flexibility and balance when practised a few times a week.",
    "Practise the guitar chords slowly every day until you can switch between them smoothly.",
    "Leer elke dag tien nieuwe woorden en oefen ze in korte zinnen.",
    "The Eiffel Tower is about 330 metres tall and was built for the 1889 World's Fair.",
    "Tokio is een van de grootste steden ter wereld, met miljoenen inwoners.",
    "Mount Everest is the highest mountain on Earth at almost 8,849 metres.",
    "De Nijl is een van de langste rivieren ter wereld en stroomt door Egypte.",
    "Volcanoes form where molten rock from deep inside the Earth rises to the surface.",
    "Jupiter heeft tientallen manen en is de grootste planeet van ons zonnestelsel.",
    "The light from the Sun takes about eight minutes to reach the Earth.",
    "Napoleon was defeated at Waterloo in 1815 and exiled to Saint Helena.",
    "De piramides van Gizeh werden meer dan vierduizend jaar geleden gebouwd.",
    "Shakespeare wrote Hamlet, Macbeth and Romeo and Juliet.",
    "The richest people in the world made their fortunes in technology and retail.",
    "De prinses droeg een lange witte jurk op haar bruiloft in de kathedraal.",
    "Knit the scarf with thick wool on large needles, alternating knit and purl rows.",
    "Voor het verjaardagsfeest hebben we slingers, ballonnen en een grote taart gekocht.",
    "Wedding guests danced until midnight after the speeches and the cake.",
    "Spaar elke maand een vast bedrag en vergelijk de rente van verschillende banken.",
    "Compare insurance quotes online and check the excess before you buy a policy.",
    "The stock rose five percent after the company reported record quarterly profits.",
    "Huur een fiets en verken de omgeving langs de rivier en de molens.",
    "Children love the playground, the petting zoo and the pancake restaurant in the park.",
    "Je kunt de kat het beste een krabpaal geven zodat ze niet aan de bank krabt.",
    "Crossword clue: a large body of salt water, five letters.",
    "Het horoscoop voor vandaag: een goede dag voor nieuwe ideeën en oude vrienden.",
    "Lyrics: we will rock you, singing in the rain, let it be.",
    "Welke kleur past bij een grijze bank? Kies kussens in warm geel of oker.",
)


def everyday_similarity(encoder: Encoder, query: np.ndarray) -> float:
    """How close the (encoded) question is to everyday, non-government text."""
    vectors = encoded_once(encoder, "everyday", lambda model: model.encode_document(EVERYDAY))
    return float(np.sort(vectors @ query)[-TOP:].mean())
