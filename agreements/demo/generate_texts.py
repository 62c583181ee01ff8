"""Words for the generated agreements' contents and for what people wrote while making them, in Finnish
and Swedish (the document languages). Plain data: the people and places are fictional."""

#: (qualification, units it can be studied in a workshop)
QUALIFICATIONS = {
    "fi": [
        ("Puuteollisuuden perustutkinto", "Puusepänalan perustehtävissä toimiminen; Huonekalujen valmistus"),
        ("Ravintola- ja catering-alan perustutkinto", "Ruokapalvelujen tuottaminen; Asiakaspalvelu"),
        ("Media-alan ja kuvallisen ilmaisun perustutkinto", "Mediatuotannon toteuttaminen"),
        ("Ajoneuvoalan perustutkinto", "Ajoneuvohuoltotöissä toimiminen"),
        ("Puhtaus- ja kiinteistöpalvelualan perustutkinto", "Kiinteistönhoitopalvelut; Toimitilahuolto"),
        ("Liiketoiminnan perustutkinto", "Myyntityö; Asiakaspalvelu"),
        ("Taideteollisuusalan perustutkinto", "Tekstiilituotteiden valmistus"),
        ("Logistiikan perustutkinto", "Varastotoiminnot"),
        ("Talotekniikan perustutkinto", "Talotekniikan asennustyöt"),
    ],
    "sv": [
        ("Grundexamen inom träindustrin", "Grundläggande snickeriarbeten; Möbeltillverkning"),
        ("Grundexamen inom restaurang- och cateringbranschen", "Produktion av måltidstjänster; Kundservice"),
        ("Grundexamen inom medier och visuella uttrycksformer", "Genomförande av medieproduktion"),
        ("Grundexamen inom fordonsbranschen", "Servicearbeten på fordon"),
        ("Grundexamen inom rengörings- och fastighetsservice", "Fastighetsskötsel; Lokalvård"),
        ("Grundexamen i affärsverksamhet", "Försäljning; Kundservice"),
        ("Grundexamen i logistik", "Lagerverksamhet"),
    ],
}
ACTIVITIES = {
    "fi": [
        "Puutyöpaja: huonekalujen kunnostus ja tilaustyöt.",
        "Keittiö: lounasruokailu noin 60 asiakkaalle.",
        "Mediapaja: videotuotanto ja graafinen suunnittelu.",
        "Autopaja: huolto- ja korjaustyöt.",
        "Kiinteistöhuolto: piha- ja kiinteistötyöt.",
        "Tekstiilipaja: ompelu ja kierrätysmateriaaleista valmistetut tuotteet.",
        "Kierrätyskeskus: myymälä, lajittelu ja asiakaspalvelu.",
        "Siivouspaja: toimitila- ja kotisiivous.",
    ],
    "sv": [
        "Snickeri: renovering av möbler och beställningsarbeten.",
        "Kök: lunch för cirka 60 kunder.",
        "Medieverkstad: videoproduktion och grafisk formgivning.",
        "Bilverkstad: service- och reparationsarbeten.",
        "Fastighetsskötsel: gård och fastighet.",
        "Återvinningscentral: butik, sortering och kundservice.",
    ],
}
GOALS = {
    "fi": [
        "Tavoitteena on, että työpajan valmentautujat voivat siirtyä joustavasti opiskelemaan tutkinnon osia "
        "työpajassa.",
        "Yhteistyöllä vahvistetaan erityistä tukea tarvitsevien opiskelijoiden polkuja työelämään.",
        "Tavoitteena on tunnistaa työpajassa hankittu osaaminen osaksi opiskelijan tutkintoa.",
    ],
    "sv": [
        "Målet är att verkstadens deltagare smidigt ska kunna börja studera examensdelar i verkstaden.",
        "Samarbetet stärker vägen till arbetslivet för studerande som behöver särskilt stöd.",
    ],
}
JOB_TITLES = {
    "fi": ("Työvalmentaja", "Työpajaohjaaja", "Yksilövalmentaja", "Pajamestari", "Työpajan vastaava"),
    "sv": ("Arbetshandledare", "Verkstadsledare", "Arbetscoach", "Verkstadsansvarig"),
}
CONTACT_ROLES = {
    "workshop": {"fi": "Työpajan vastaava", "sv": "Verkstadsansvarig"},
    "provider": {"fi": "Koulutuspäällikkö", "sv": "Utbildningschef"},
}
COMPENSATION_CASES = {
    "fi": [
        "Erityistä tukea tarvitsevan opiskelijan tavallista runsaampi ohjaus ja yksilövalmennus.",
        "Näyttöjen järjestäminen työpajassa ja työpaikkaohjaajan osallistuminen arviointiin.",
        "Opiskelijan perehdyttäminen ja ohjaus työelämässä oppimisen jakson alussa.",
    ],
    "sv": [
        "Mer omfattande handledning och individuell coachning av studerande som behöver särskilt stöd.",
        "Ordnande av yrkesprov i verkstaden och arbetsplatshandledarens deltagande i bedömningen.",
    ],
}
RATE_DESCRIPTIONS = {
    "fi": ("Ohjaus ja valmennus", "Näytön järjestäminen", "Perehdytys", "Erityinen tuki"),
    "sv": ("Handledning och coachning", "Ordnande av yrkesprov", "Introduktion", "Särskilt stöd"),
}
ADDITIONAL_COMMITMENTS = {
    "fi": [
        "Alueella käytetään yhteistä oppimisympäristöjen kuvauspohjaa.",
        "Työpaikkaohjaajakoulutus järjestetään kerran vuodessa yhdessä.",
        "Verkosto tiedottaa yhteisesti opiskelijoille työpajojen mahdollisuuksista.",
    ],
    "sv": [
        "Regionen använder en gemensam mall för beskrivning av lärmiljöer.",
        "Utbildning för arbetsplatshandledare ordnas tillsammans en gång per år.",
    ],
}
CHANGE_NOTES = {
    "fi": (
        "Tarkennettu tutkinnon osia",
        "Lisätty työpaikkaohjaaja",
        "Korjattu yhteystiedot",
        "Päivitetty opiskelijamäärä",
        "Muutettu opettajan yhteydenpitoa",
    ),
    "sv": ("Preciserade examensdelar", "Lade till en handledare", "Rättade kontaktuppgifter", "Ändrat antal"),
}
ANSWER_NOTES = {
    "fi": "Muutettu kommenttikierroksen palautteen perusteella",
    "sv": "Ändrat utifrån remissrundans kommentarer",
}
COMMENTS = {
    "fi": [
        "Ehdotamme, että opiskelijamäärä kirjataan tutkinnoittain eikä vain yhteensä.",
        "Opettajan yhteydenpito kerran kuukaudessa ei riitä erityistä tukea tarvitseville.",
        "Työpaikkaohjaajakoulutuksen kustannuksista on sovittava selvemmin.",
        "Tietosuojakohdan sanamuoto on hyvä, ei muutettavaa.",
        "Näyttöjen järjestämisen vastuunjako kaipaa tarkennusta.",
        "Yhteyshenkilöiden vaihtumisesta pitäisi ilmoittaa kirjallisesti.",
        "Irtisanomisaika voisi olla kuusi kuukautta lukuvuoden rytmin vuoksi.",
        "Kannatamme luonnosta sellaisenaan.",
        "Korvauksia koskeva kohta on epäselvä: koskeeko se myös lyhyitä jaksoja?",
        "Vakuutuksista olisi hyvä mainita myös työpajan oma vastuuvakuutus.",
    ],
    "sv": [
        "Vi föreslår att antalet studerande anges per examen och inte bara totalt.",
        "Lärarens kontakt en gång i månaden räcker inte för studerande som behöver särskilt stöd.",
        "Kostnaderna för handledarutbildningen bör avtalas tydligare.",
        "Vi stöder utkastet som det är.",
        "Ansvarsfördelningen för yrkesproven behöver preciseras.",
    ],
}
REPLIES = {
    "fi": ["Kiitos, tarkennamme tätä seuraavaan versioon.", "Hyvä huomio, selvitämme asian."],
    "sv": ["Tack, vi preciserar det i nästa version.", "Bra synpunkt, vi utreder saken."],
}
REASONINGS = {
    "accepted": {"fi": "Muutos tehty ehdotuksen mukaisesti.", "sv": "Ändrat enligt förslaget."},
    "partly_accepted": {"fi": "Muutettu osittain; loput sovitaan erikseen.", "sv": "Delvis ändrat."},
    "not_accepted": {"fi": "Linjausten mukainen muotoilu säilytetään.", "sv": "Formuleringen behålls."},
    "noted": {"fi": "Huomioitu, ei vaadi muutosta.", "sv": "Noterat, ingen ändring behövs."},
}
BACKGROUNDS = {
    "fi": "Pyydämme näkemyksiänne sopimusluonnoksesta ennen sen lähettämistä allekirjoitettavaksi.",
    "sv": "Vi ber om era synpunkter på avtalsutkastet innan det skickas för underskrift.",
}
QUESTIONS = {
    "fi": "Ovatko osapuolten tehtävät ja yhteydenpidon tiheys mielestänne oikein mitoitetut?",
    "sv": "Är parternas uppgifter och kontaktens frekvens rätt dimensionerade enligt er?",
}
DECLINE_REASONS = {
    "fi": ("Sopimuksen korvauskohta on vielä sovittava.", "Allekirjoittajaksi on merkitty väärä henkilö."),
    "sv": ("Ersättningarna måste ännu avtalas.", "Fel person har angetts som undertecknare."),
}
CLOSE_REASONS = {
    "fi": "Liittymisaika on päättynyt.",
    "sv": "Anslutningstiden har gått ut.",
}
WITHDRAW_REASONS = {"fi": "Yhteystietoihin tarvitaan korjaus.", "sv": "Kontaktuppgifterna måste rättas."}
NOTICE_REASONS = {
    "fi": ("Yhteistyö päättyy koulutustarjonnan muuttuessa.", "Työpajan toiminta muuttuu."),
    "sv": ("Samarbetet upphör när utbildningsutbudet ändras.", "Verkstadens verksamhet ändras."),
}
SEND_MESSAGES = {
    "fi": "Hei, sopimus on valmis allekirjoitettavaksi. Kiitos yhteistyöstä!",
    "sv": "Hej, avtalet är klart för underskrift. Tack för samarbetet!",
}
TITLES = {
    "cooperation": {"fi": "Yhteistyösopimus", "sv": "Samarbetsavtal"},
    "compensation_annex": {"fi": "Korvausliite", "sv": "Ersättningsbilaga"},
    "commitment": {"fi": "Sitoumus yhteistyön linjauksiin", "sv": "Förbindelse till riktlinjerna"},
}
AND_OTHERS = {"fi": "ym.", "sv": "m.fl."}
