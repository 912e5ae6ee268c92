/*
 * stopwords.c - the stop word lists of significant terms (terms.c, docs/ANALYTICS.md): the
 * function words of a language (articles, pronouns, prepositions, conjunctions, auxiliaries),
 * left out of the foreground whatever their document frequency, for the languages newsdex stems.
 * The archive's own rule (a word held by more than a quarter of its language's documents) still
 * applies on top; the lists catch what it misses where a language has few documents or a
 * function word is rare in the archive but common in the matches.  Each list is analysed as a
 * text of its language (terms.c), so it matches the index's terms however they are stemmed.
 */
#include "query/stopwords.h"
#include "query/eval.h"

static const struct {
    char lang[3];
    const char *words;
} lists[] = {
    {"en", "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
           "himself she her hers herself it its itself they them their theirs themselves what "
           "which who whom whose this that these those am is are was were be been being have has "
           "had having do does did doing a an the and but if or because as until while of at by "
           "for with about against between into through during before after above below to "
           "from up down in out on off over under again further then once here there when where "
           "why how all any both each few more most other some such no nor not only own same so "
           "than too very can will just should now also would could however although though "
           "whether yet upon within without"},
    {"de", "aber alle allem allen aller alles als also am an andere anderem anderen anderer "
           "anderes auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine "
           "deinem deinen deiner dem demselben den denn denselben der derer derselbe derselben "
           "des desselben dessen dich die dies diese dieselbe dieselben diesem diesen dieser "
           "dieses dir doch dort du durch ein eine einem einen einer eines einige einigem einigen "
           "einiger einiges einmal er es etwas euch euer eure eurem euren eurer eures für gegen "
           "gewesen habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem "
           "ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen "
           "jener jenes jetzt jedoch kann kein keine keinem keinen keiner keines können könnte "
           "man manche manchem manchen mancher manches mein meine meinem meinen meiner meines "
           "mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine "
           "seinem seinen seiner seines selbst sich sie sind so solche solchem solchen solcher "
           "solches soll sollte sondern sonst über um und uns unsere unserem unseren unser "
           "unseres unter viel vom von vor während war waren warst was weil weiter welche "
           "welchem welchen welcher welches wenn werde werden wie wieder wir wird wirst wo wollen "
           "wollte würde würden zu zum zur zwar zwischen"},
    {"fr", "au aux avec ce ces dans de des du elle elles en et eux il ils je la le les leur "
           "leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que "
           "qui sa se ses son sur ta te tes toi ton tu un une vos votre vous été étant suis es "
           "est sommes êtes sont serai sera serons seront serait étais était étions étaient fut "
           "furent soit soient ai as avons avez ont aura auront aurait avais avait avions "
           "avaient eu cette cet celui celle ceux celles aussi plus très sans sous entre depuis "
           "donc car ni si tout tous toute toutes"},
    {"es", "de la que el en y los del se las por un para con no una su al lo como más pero sus "
           "le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde "
           "quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos esto "
           "mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada "
           "muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus ellas "
           "nosotras vosotros vosotras os mío mía tuyo tuya suyo suya nuestro nuestra vuestro "
           "esos esas estoy estás está estamos están es son fue era eran ha han he has hemos "
           "había habían ser sido siendo tiene tienen"},
    {"it", "ad al allo ai agli alla alle con col coi da dal dallo dai dagli dalla dalle di del "
           "dello dei degli della delle in nel nello nei negli nella nelle su sul sullo sui "
           "sugli sulla sulle per tra fra contro io tu lui lei noi voi loro mio mia miei mie tuo "
           "tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro vostra vostri "
           "vostre mi ti ci vi lo la li le gli ne il un uno una ma ed se perché anche come dove "
           "che chi cui non più quale quanto quanti quanta quante quello quelli quella quelle "
           "questo questi questa queste si tutto tutti è sono era erano essere stato stata ha "
           "hanno ho aveva avevano avere"},
    {"pt", "de a o que e do da em um para com não uma os no se na por mais as dos como mas ao "
           "ele das à seu sua ou quando muito nos já eu também só pelo pela até isso ela entre "
           "depois sem mesmo aos seus quem nas me esse eles você essa num nem suas meu às minha "
           "numa pelos elas qual nós lhe deles essas esses pelas este dele tu te vocês vos lhes "
           "meus minhas teu tua teus tuas nosso nossa nossos nossas dela delas esta estes estas "
           "aquele aquela aqueles aquelas isto aquilo está estão foi foram ser é são era eram "
           "tem têm ter há"},
    {"nl", "de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er "
           "maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit "
           "der daar haar naar heb hoe heeft hebben deze want nog zal me zij nu geen omdat iets "
           "worden toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder "
           "eens hier wie werd altijd doch wordt kunnen ons zelf tegen na reeds wil kon niets uw "
           "iemand geweest andere"},
};

const char *ndx__stopwords_of(uint16_t lang, char code[3])
{
    code[0] = (char)(lang & 0xff), code[1] = (char)(lang >> 8), code[2] = 0;
    for (size_t i = 0; i < NDX_ARRAY_LEN(lists); i++)
        if (lists[i].lang[0] == code[0] && lists[i].lang[1] == code[1])
            return lists[i].words;
    return NULL;
}
